package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/static"
)

// compress gzips answers for clients that accept it, but those the page
// cache answers (its own are gzipped once, when kept). It runs before
// recoverPanic so that a panic is turned into a page inside it; error
// answers (4xx, 5xx) are sent uncompressed by gin-contrib/gzip, which also
// drops their Vary header, so they are marked no-store (see sendPage).
func compress(cached func(*gin.Context) bool) gin.HandlerFunc {
	return gzip.Gzip(gzip.DefaultCompression, gzip.WithCustomShouldCompressFn(func(c *gin.Context) bool {
		return strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") && !strings.Contains(c.GetHeader("Connection"), "Upgrade") &&
			!gzip.DefaultExcludedExtentions.Contains(filepath.Ext(c.Request.URL.Path)) && !cached(c)
	}))
}

// gzipSuffix marks the ETag of a gzip-encoded answer: a strong validator
// belongs to one representation, and the compressed bytes are another.
const gzipSuffix = "-gzip"

// caching sets what caches may do with each answer: every answer varies
// with Accept-Encoding, /healthz is never stored, and the embedded static
// files (which have no modification time) are cached for an hour and
// revalidated by an ETag hashed from their content once, at start-up.
// It must run after compress and language, whose Vary it extends.
func caching() gin.HandlerFunc {
	tags := map[string]string{} // URL path → ETag without quotes
	err := fs.WalkDir(static.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static.FS, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		tags["/static/"+path] = hex.EncodeToString(sum[:16])
		return nil
	})
	if err != nil {
		panic("static files: " + err.Error()) // embedded files are always readable
	}
	return func(c *gin.Context) {
		c.Writer.Header().Add("Vary", "Accept-Encoding")
		switch path := c.Request.URL.Path; {
		case path == "/healthz":
			c.Header("Cache-Control", "no-store")
		case tags[path] != "" && (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead):
			c.Header("Cache-Control", "public, max-age=3600")
			if revalidate(c, tags[path]) {
				return
			}
		}
		c.Next()
	}
}

// sendPage writes a rendered page. A successful GET gets a strong ETag
// hashed from the body and its language (one URL renders per language)
// and must be revalidated before reuse; a matching If-None-Match gets 304
// without a body. Error pages are never stored: they are transient, and
// compression drops their Vary header.
func sendPage(c *gin.Context, status int, body []byte) {
	switch {
	case status >= http.StatusBadRequest || c.GetBool(noStoreKey):
		c.Header("Cache-Control", "no-store")
	case status == http.StatusOK && c.Request.Method == http.MethodGet:
		h := sha256.New()
		h.Write([]byte(c.Writer.Header().Get("Content-Language")))
		h.Write([]byte{0})
		h.Write(body)
		if _, ok := signedIn(c); ok {
			c.Header("Cache-Control", "private, no-cache") // it names the visitor
		} else {
			c.Header("Cache-Control", "no-cache")
		}
		if revalidate(c, hex.EncodeToString(h.Sum(nil)[:16])) {
			return
		}
	}
	c.Data(status, "text/html; charset=utf-8", body)
}

// revalidate sets the ETag for tag and, when the request's If-None-Match
// names it, answers 304 and reports true. The tag of the other encoding
// matches too: the client's copy is the same content.
func revalidate(c *gin.Context, tag string) bool {
	h := c.Writer.Header()
	etag := tag
	if h.Get("Content-Encoding") == "gzip" {
		etag += gzipSuffix
	}
	c.Header("ETag", `"`+etag+`"`)
	if !noneMatch(c.GetHeader("If-None-Match"), tag) {
		return false
	}
	// Not WriteHeaderNow: left unwritten, gzip writes no empty stream.
	h.Del("Content-Encoding")
	c.Status(http.StatusNotModified)
	c.Abort()
	return true
}

// noneMatch reports whether an If-None-Match value names tag, by weak
// comparison as RFC 9110 asks for If-None-Match.
func noneMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.Trim(strings.TrimPrefix(t, "W/"), `"`)
		if strings.TrimSuffix(t, gzipSuffix) == tag {
			return true
		}
	}
	return false
}
