package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/singleflight"
)

// DefaultPageCache is the memory the public page cache may hold.
const DefaultPageCache = 64 << 20

// staleWindow is how long after a change a page kept from before it may
// still be sent, to the visitors who come while its successor renders for
// the first who asked: they need not queue behind that render, and a
// change still shows on every instance within a second (the README's
// promise for several instances). The first visitor after a change gets
// the page as it is now.
const staleWindow = time.Second

// personalKey marks an answer holding something of this visitor's own (a
// form token): no shared cache may keep it.
const personalKey = "personal"

// pageCache keeps the public answers as an anonymous visitor gets them.
// What such an answer shows depends only on the data, the address, the
// language and the day ("as of today"), so each is rendered once, kept
// gzipped, and served until the data changes, on this instance or another
// (the store's data version), or the day turns. The memory it holds is
// bounded in bytes, least recently used first out; one render at a time
// per key, whoever asks. (hashicorp/golang-lru bounds a count of entries,
// not bytes, so it would need this accounting around it anyway.)
type pageCache struct {
	limit  int64
	flight singleflight.Group

	mu    sync.Mutex
	gen   pageGeneration // what the entries were rendered from
	order *list.List     // of *cachedPage, most recently used first
	pages map[string]*list.Element
	size  int64 // of pages and stale

	// The pages of the generation before, sent while their successors
	// render until staleUntil: staleWindow after the last request that
	// found the data as they show it began, and so within staleWindow of
	// the change, which came after.
	stale      map[string]*cachedPage
	staleUntil time.Time
	asked      time.Time              // when the last request of gen began
	rendering  sync.Map               // flight key → a render of it is under way
	renderHook atomic.Pointer[func()] // tests: runs as a render begins

	hits    atomic.Int64 // answers sent from a kept page
	handler string       // the name gin gives cachePublic in a route's handlers
	chains  sync.Map     // route path of a GET → it passes through cachePublic
}

// pageGeneration is what makes every kept page stale at once.
type pageGeneration struct {
	version int64 // the store's data version
	day     int   // the plan's day, year*1000 + day of the year
}

// cachedPage is one answer: its body gzipped, and its headers (type,
// caching, CORS, links, file name, security, language) but the request id
// and those send sets.
type cachedPage struct {
	key      string
	gz       []byte
	plainLen int
	etag     string // without quotes or W/
	weak     bool
	header   []keptField // a slice, not a map: sending ranges over it on every request

	// The header values send sets, made once: a kept page is sent many
	// times, and every value made per request is garbage to collect.
	zipTag, plainTag, zipLen, plainLength []string
}

// prepare makes the header values of p's answers.
func (p *cachedPage) prepare() {
	tag := func(suffix string) []string {
		t := `"` + p.etag + suffix + `"`
		if p.weak {
			t = "W/" + t
		}
		return []string{t}
	}
	p.zipTag, p.plainTag = tag(gzipSuffix), tag("")
	p.zipLen, p.plainLength = []string{strconv.Itoa(len(p.gz))}, []string{strconv.Itoa(p.plainLen)}
}

var gzipEncoding = []string{"gzip"}

// keptField is a header field of a kept page, with its values.
type keptField struct {
	name   string
	values []string
}

// maxKept is the largest answer held to be kept; a larger one (a file of
// every plan) is sent as it is made.
const maxKept = 8 << 20

// pageOverhead is counted for each page besides its bytes: the entry, the
// list and map elements and its headers.
const pageOverhead = 1024

func (p *cachedPage) size() int64 { return int64(len(p.gz) + len(p.key) + pageOverhead) }

// newPageCache makes the cache that middleware, on the routes it is given
// to, answers from.
func newPageCache(limit int64, middleware gin.HandlerFunc) *pageCache {
	if limit == 0 {
		limit = DefaultPageCache
	}
	return &pageCache{limit: limit, order: list.New(), pages: map[string]*list.Element{},
		handler: runtime.FuncForPC(reflect.ValueOf(middleware).Pointer()).Name()}
}

// cachable reports whether the page cache answers this request: a GET by
// a visitor without a session cookie. A browser sending one, even an
// expired one, is answered fresh: it may be signed in. HEAD is a GET here
// (see ServeHTTP).
func cachable(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	ck, _ := cookie(r, sessionCookie)
	return ck == ""
}

// answers reports whether the page cache answers this request, for
// compress, which runs before it: the cache sends its own gzipped bytes.
func (pc *pageCache) answers(c *gin.Context) bool {
	if pc.limit < 0 || !cachable(c.Request) || c.FullPath() == "" {
		return false
	}
	route := c.FullPath() // of a GET, as cachable has checked
	if v, ok := pc.chains.Load(route); ok {
		return v.(bool)
	}
	in := slices.Contains(c.HandlerNames(), pc.handler)
	pc.chains.Store(route, in)
	return in
}

// cachePublic is the page cache's middleware, on the public group.
func (s *Server) cachePublic(c *gin.Context) {
	pc := s.pageCache
	if !pc.answers(c) {
		c.Next()
		return
	}
	asked := time.Now()
	gen, err := s.generation(c.Request)
	if err != nil {
		s.fail(c, err)
		c.Abort()
		return
	}
	key := pageKey(c.GetString(langKey), c.Request)
	p, stale := pc.get(gen, key, asked)
	if p != nil { // the front door (sendKept) had not found it yet
		pc.hits.Add(1)
		pc.send(c, p)
		return
	}
	flightKey := strconv.FormatInt(gen.version, 10) + " " + strconv.Itoa(gen.day) + " " + key
	if _, busy := pc.rendering.Load(flightKey); busy && stale != nil {
		pc.hits.Add(1)
		pc.send(c, stale) // rather than wait for the render under way
		return
	}
	leader := false
	v, _, _ := pc.flight.Do(flightKey, func() (any, error) {
		leader = true
		pc.rendering.Store(flightKey, true)
		defer pc.rendering.Delete(flightKey)
		if hook := pc.renderHook.Load(); hook != nil {
			(*hook)()
		}
		p := s.renderPublic(c, key)
		if p != nil {
			pc.add(gen, p)
		}
		return p, nil
	})
	p, _ = v.(*cachedPage)
	switch {
	case leader && p == nil:
		return // renderPublic sent the answer not to keep
	case leader:
		pc.send(c, p)
		return
	case p != nil:
		pc.hits.Add(1)
		pc.send(c, p)
		return
	}
	// The leader's answer was not to keep (a form token, an error): render
	// our own, which may be.
	if p := s.renderPublic(c, key); p != nil {
		pc.add(gen, p)
		pc.send(c, p)
	}
}

// generation is what the pages kept now are rendered from.
func (s *Server) generation(r *http.Request) (pageGeneration, error) {
	version, err := s.store.DataVersion(r.Context())
	if err != nil {
		return pageGeneration{}, err
	}
	now := s.now()
	return pageGeneration{version: version, day: now.Year()*1000 + now.YearDay()}, nil
}

// pageKey is what r's page is kept under, in the language lang.
func pageKey(lang string, r *http.Request) string { return lang + " " + r.URL.RequestURI() }

// sendKept is the page cache's front door, before the router: it answers a
// request that cachePublic would answer from a kept page, and reports
// whether it did. Such an answer needs none of the router's work: the
// middlewares' headers are kept with the page (renderPublic), and only
// the request id and the access log's line are each request's own. What
// it does not find, or may not send, goes on to the router as any
// request does: a page to render, a stale page, an address naming its
// language (which the language middleware checks, and may answer with a
// redirect), a body to limit.
func (s *Server) sendKept(w http.ResponseWriter, r *http.Request) bool {
	pc := s.pageCache
	if pc.limit < 0 || r.Body != http.NoBody || !cachable(r) || strings.Contains(r.URL.RawQuery, "lang") {
		return false
	}
	asked := time.Now()
	gen, err := s.generation(r)
	if err != nil {
		return false // the router's answer tells the visitor
	}
	p, _ := pc.get(gen, pageKey(s.visitorLanguage(r), r), asked)
	if p == nil {
		return false
	}
	pc.hits.Add(1)
	id := requestIDOf(r)
	w.Header()[requestIDHeader] = []string{id}
	status, size := pc.write(w, r, p)
	s.logRequest(r, slog.LevelInfo, id, status, size, asked)
	return true
}

// renderPublic runs the handlers for key and returns their answer to
// keep, unsent, or nil after sending an answer that must not be kept: an error,
// a redirect, an answer setting a cookie or holding a form token or the
// request id. Conditional headers are set aside meanwhile: the page is
// kept whole, and send answers them.
func (s *Server) renderPublic(c *gin.Context, key string) *cachedPage {
	h := c.Writer.Header()
	cookies := slices.Clone(h.Values("Set-Cookie")) // an answer setting one is not kept
	inm := c.Request.Header.Values("If-None-Match")
	c.Request.Header.Del("If-None-Match")
	rec := &recorder{ResponseWriter: c.Writer, status: http.StatusOK, max: maxKept,
		zip: strings.Contains(c.GetHeader("Accept-Encoding"), "gzip")}
	c.Writer = rec
	restore := func() {
		c.Writer = rec.ResponseWriter
		if inm != nil {
			c.Request.Header["If-None-Match"] = inm
		}
	}
	defer restore() // after a panic too, so that its page reaches the client
	c.Next()
	restore()
	if rec.spilled {
		rec.finish()
		return nil
	}
	body := rec.buf.Bytes()
	keep := rec.status == http.StatusOK && !c.GetBool(personalKey) && !c.GetBool(noStoreKey) &&
		slices.Equal(cookies, h.Values("Set-Cookie")) &&
		!strings.Contains(h.Get("Cache-Control"), "no-store") && !strings.Contains(h.Get("Cache-Control"), "private") &&
		(c.GetString(requestIDKey) == "" || !bytes.Contains(body, []byte(c.GetString(requestIDKey))))
	if !keep {
		sendHeld(c, rec.status, body, rec.zip)
		return nil
	}
	// Every header but the request's own and those send sets: the
	// middlewares' too (security, language, caching), which are the same
	// for every request of this key, so that sendKept need not run them.
	p := &cachedPage{key: key, plainLen: len(body)}
	for k, v := range h {
		switch k {
		case "Etag", "Content-Length", "Content-Encoding", "Set-Cookie", requestIDHeader:
			continue
		}
		p.header = append(p.header, keptField{k, slices.Clip(slices.Clone(v))}) // a later Add must not write into a shared array
	}
	p.etag = h.Get("ETag")
	p.weak = strings.HasPrefix(p.etag, "W/")
	p.etag = strings.Trim(strings.TrimPrefix(p.etag, "W/"), `"`)
	if p.etag == "" {
		sum := sha256.Sum256(body)
		p.etag = hex.EncodeToString(sum[:16])
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.DefaultCompression)
	zw.Write(body)
	zw.Close()
	p.gz = gz.Bytes()
	p.prepare()
	h.Del("ETag") // send sets the tag of the encoding sent
	return p
}

// get returns the page kept under key for gen, or else the page of the
// generation before while it may still be sent (stale), or neither. A
// request that began at asked found the data at gen. A newer generation
// makes every page stale, for staleWindow after the last request that
// found the one before began; after a quiet spell, none.
func (pc *pageCache) get(gen pageGeneration, key string, asked time.Time) (p, stale *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if gen != pc.gen {
		newer := gen.day > pc.gen.day || gen.day == pc.gen.day && gen.version > pc.gen.version
		pc.stale, pc.size = nil, 0
		if newer && asked.Sub(pc.asked) < staleWindow {
			pc.stale, pc.staleUntil = make(map[string]*cachedPage, len(pc.pages)), pc.asked.Add(staleWindow)
			for k, e := range pc.pages {
				if old := e.Value.(*cachedPage); staleable(k) {
					pc.stale[k] = old
					pc.size += old.size()
				}
			}
		}
		pc.gen, pc.asked = gen, asked
		pc.order.Init()
		clear(pc.pages)
	} else if asked.After(pc.asked) {
		pc.asked = asked
	}
	if e, ok := pc.pages[key]; ok {
		pc.order.MoveToFront(e)
		return e.Value.(*cachedPage), nil
	}
	if old, ok := pc.stale[key]; ok {
		if asked.Before(pc.staleUntil) {
			return nil, old
		}
		pc.dropStale()
	}
	return nil, nil
}

// staleable reports whether the page under key may be sent stale: not the
// API's answers, whose clients read what they have just written.
func staleable(key string) bool {
	_, uri, _ := strings.Cut(key, " ")
	return !strings.HasPrefix(uri, apiPrefix+"/")
}

// dropStale lets the stale pages go; pc.mu is held.
func (pc *pageCache) dropStale() {
	for _, old := range pc.stale {
		pc.size -= old.size()
	}
	pc.stale = nil
}

// add keeps p, rendered from gen, and lets the least recently used pages
// go until the cache is within its limit. A page of a generation that has
// passed meanwhile is not kept.
func (pc *pageCache) add(gen pageGeneration, p *cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if gen != pc.gen || p.size() > pc.limit {
		return
	}
	if e, ok := pc.pages[p.key]; ok {
		pc.size -= e.Value.(*cachedPage).size()
		pc.order.Remove(e)
	}
	if old, ok := pc.stale[p.key]; ok { // its successor is here
		pc.size -= old.size()
		delete(pc.stale, p.key)
	}
	pc.pages[p.key] = pc.order.PushFront(p)
	pc.size += p.size()
	if pc.size > pc.limit {
		pc.dropStale()
	}
	for pc.size > pc.limit {
		e := pc.order.Back()
		old := pc.order.Remove(e).(*cachedPage)
		delete(pc.pages, old.key)
		pc.size -= old.size()
	}
}

// Size is the memory the kept pages take, as the limit counts it.
func (pc *pageCache) Size() int64 {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.size
}

// send answers c with p, and ends its handlers.
func (pc *pageCache) send(c *gin.Context, p *cachedPage) {
	c.Abort()
	pc.write(c.Writer, c.Request, p) // gin sends a 304's header when the handlers end
}

// write answers r with p: 304 when If-None-Match names it, its gzipped
// bytes to clients that accept gzip, otherwise the bytes unzipped as they
// go. It returns the status and the bytes of body sent.
func (pc *pageCache) write(w http.ResponseWriter, r *http.Request, p *cachedPage) (status, size int) {
	h := w.Header()
	for _, f := range p.header {
		h[f.name] = f.values
	}
	zipped := strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
	if zipped {
		h["Etag"] = p.zipTag
	} else {
		h["Etag"] = p.plainTag
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && noneMatch(inm, p.etag) {
		delete(h, "Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified, 0
	}
	if zipped {
		h["Content-Encoding"] = gzipEncoding
		h["Content-Length"] = p.zipLen
		w.WriteHeader(http.StatusOK)
		n, _ := w.Write(p.gz)
		return http.StatusOK, n
	}
	h["Content-Length"] = p.plainLength
	w.WriteHeader(http.StatusOK)
	zr, err := gzip.NewReader(bytes.NewReader(p.gz))
	var n int64
	if err == nil {
		n, err = io.Copy(w, zr)
	}
	_ = err // the bytes were made here; only the client can fail now
	return http.StatusOK, int(n)
}

// recorder holds an answer until it is known whether to keep it. One
// larger than max is not kept: it is sent as it comes, gzipped for
// clients that accept it, and nothing of it is held.
type recorder struct {
	gin.ResponseWriter
	status  int
	buf     bytes.Buffer
	max     int64
	spilled bool
	zip     bool // the client accepts gzip
	zw      *gzip.Writer
}

func (r *recorder) WriteHeader(code int) { r.status = code }
func (r *recorder) WriteHeaderNow()      {}
func (r *recorder) Status() int          { return r.status }
func (r *recorder) Written() bool        { return r.buf.Len() > 0 || r.spilled }
func (r *recorder) Size() int {
	if r.buf.Len() == 0 && !r.spilled {
		return -1
	}
	return r.buf.Len()
}
func (r *recorder) WriteString(s string) (int, error) { return r.Write([]byte(s)) }
func (r *recorder) Flush()                            {} // held until the end, or spilled

func (r *recorder) Write(b []byte) (int, error) {
	if r.spilled {
		return r.out().Write(b)
	}
	r.buf.Write(b)
	if int64(r.buf.Len()) <= r.max {
		return len(b), nil
	}
	r.spilled = true
	if r.zip && r.status < http.StatusBadRequest {
		r.zw = gzip.NewWriter(r.ResponseWriter)
		zipHeaders(r.Header())
	}
	r.ResponseWriter.WriteHeader(r.status)
	_, err := r.out().Write(r.buf.Bytes())
	r.buf = bytes.Buffer{}
	return len(b), err
}

// zipHeaders marks an answer about to be sent gzipped: its ETag names
// the gzipped representation (see revalidate).
func zipHeaders(h http.Header) {
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	if tag := h.Get("ETag"); strings.HasSuffix(tag, `"`) && !strings.HasSuffix(tag, gzipSuffix+`"`) {
		h.Set("ETag", strings.TrimSuffix(tag, `"`)+gzipSuffix+`"`)
	}
}

// out is where a spilled answer goes.
func (r *recorder) out() io.Writer {
	if r.zw != nil {
		return r.zw
	}
	return r.ResponseWriter
}

// finish ends a spilled answer.
func (r *recorder) finish() {
	if r.zw != nil {
		r.zw.Close()
	}
}

// sendHeld sends an answer renderPublic held and does not keep, gzipped
// as compress would have (errors are sent as they are, see compress).
func sendHeld(c *gin.Context, status int, body []byte, zip bool) {
	c.Status(status)
	if len(body) == 0 {
		c.Writer.WriteHeaderNow()
		return
	}
	if !zip || status >= http.StatusBadRequest {
		c.Writer.Write(body)
		return
	}
	zipHeaders(c.Writer.Header())
	zw := gzip.NewWriter(c.Writer)
	zw.Write(body)
	zw.Close()
}
