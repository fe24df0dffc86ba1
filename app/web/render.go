package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/templates"
)

// Page is what every page's data embeds: the visitor's language and the
// pieces the layout needs.
type Page struct {
	T         *i18n.Translator
	Lang      string
	Languages []languageLink
	RequestID string
	User      *model.User // the signed-in visitor, nil for the public
	CSRFToken string      // for the forms of a signed-in visitor (see checkCSRF)
	WorkCount int         // the items on the signed-in visitor's work queue, in the header
	Flash     string      // the message id of the confirmation this page shows (flash.go), or ""
	SetupNext *setupStep  // after a save in the setup of a plan, the following step (setup.go)
}

type languageLink struct {
	Tag, Name, URL string
	Current        bool
}

// languageNames are written in their own language, as a switch should be:
// each catalog's language.self ("中文", "English", "Français").
var languageNames = func() map[string]string {
	names := map[string]string{}
	for _, lang := range model.Languages {
		names[lang] = lang
		if msgs, err := i18n.Messages(lang); err == nil {
			if n, ok := msgs["language.self"].(string); ok && n != "" {
				names[lang] = n
			}
		}
	}
	return names
}()

// translator lets render reach the page's translator in any page's data.
func (p Page) translator() *i18n.Translator { return p.T }

// page builds the shared page data for the current request.
func (s *Server) page(c *gin.Context) Page {
	lang := c.GetString(langKey)
	p := Page{T: s.catalog.Translator(lang, s.location), Lang: lang, RequestID: c.GetString(requestIDKey), Flash: s.takeFlash(c), SetupNext: s.takeNext(c)}
	if sess, ok := signedIn(c); ok {
		p.User, p.CSRFToken = sess.User, sess.CSRFToken
		p.WorkCount = s.workCount(c, sess.User)
	}
	for _, tag := range i18n.Supported {
		q := c.Request.URL.Query()
		q.Set("lang", tag.String())
		q.Set(chooseParam, "1") // the visitor's own choice, remembered (see language)
		u := url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}
		p.Languages = append(p.Languages, languageLink{Tag: tag.String(), Name: languageNames[tag.String()],
			URL: u.String(), Current: tag.String() == lang})
	}
	return p
}

// renderer holds one parsed template set per page: the layout, the
// partials it calls (templates/partials/*.html, one file per area) and the
// page itself, parsed once at start-up.
type renderer struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	// dict builds a map for passing several values to a partial.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict needs key/value pairs")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string) // always, in the templates: no fmt per key
			if !ok {
				k = fmt.Sprint(kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"inc":       func(i int) int { return i + 1 },
	"excerpt":   excerpt,  // a long text cut for a list (question_mail.go)
	"stateBar":  stateBar, // a chart of schedule states: templates/partials/chart.html
	"stateIcon": func(s model.ScheduleState) string { return stateIcons[s] },
	// fallbackNotice marks where the page says which of its texts are
	// not in the visitor's language: only known once the page is written.
	"fallbackNotice": func() template.HTML { return fallbackMark },
}

// fallbackMark is where render puts the fallback notice. Nothing a visitor
// writes can forge it: their text is escaped.
const fallbackMark = "<!--fallback-notice-->"

// stateIcons go with each state's word, so that no state rests on colour.
var stateIcons = map[model.ScheduleState]string{
	model.StateComplete: "✔", model.StateOverdue: "⚠", model.StateDueSoon: "⏰",
	model.StateOnTrack: "●", model.StateNotStarted: "○", model.StateCancelled: "✕", model.StateUnknown: "?",
	model.StateInProgress: "◐", model.StateNotCompleted: "◌",
}

// parsedTemplates parses the templates once per process: they are the same
// for every server (several in one process: the tests), and read-only once
// parsed, so servers share them rather than hold a copy each.
var parsedTemplates = sync.OnceValues(newRenderer)

func newRenderer() (*renderer, error) {
	partials, err := readPartials()
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}}
	err = fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") || path == "base.html" || strings.HasPrefix(path, "partials/") {
			return err
		}
		files, err := partials.neededBy("base.html", path)
		if err != nil {
			return fmt.Errorf("template %s: %w", path, err)
		}
		t, err := template.New(path).Funcs(funcs).Funcs(cellFuncs).ParseFS(templates.FS, append(append([]string{"base.html"}, files...), path)...)
		if err != nil {
			return fmt.Errorf("template %s: %w", path, err)
		}
		r.pages[strings.TrimSuffix(path, ".html")] = t
		return nil
	})
	return r, err
}

// partialFiles says, of the partials, which file defines each template
// name. Each page is parsed with the partials it calls, and those they
// call, rather than with all of them: a page's set is parsed anew for
// every page, and all the partials in each of some sixty sets held 36 MB.
type partialFiles map[string]string // template name → file

var (
	templateDefinition = regexp.MustCompile(`\{\{-?\s*(?:define|block)\s+"([^"]+)"`)
	templateCall       = regexp.MustCompile(`\{\{-?\s*(?:template|block)\s+"([^"]+)"`)
)

func readPartials() (partialFiles, error) {
	files, err := fs.Glob(templates.FS, "partials/*.html")
	if err != nil {
		return nil, err
	}
	defined := partialFiles{}
	for _, f := range files {
		b, err := fs.ReadFile(templates.FS, f)
		if err != nil {
			return nil, err
		}
		for _, m := range templateDefinition.FindAllSubmatch(b, -1) {
			defined[string(m[1])] = f
		}
	}
	return defined, nil
}

// neededBy is the partial files the given files call, directly or
// through another partial, in a stable order. A name no partial defines
// is left to the files themselves (a page's own content and title).
func (p partialFiles) neededBy(files ...string) ([]string, error) {
	var needed []string
	seen := map[string]bool{}
	for len(files) > 0 {
		f := files[0]
		files = files[1:]
		b, err := fs.ReadFile(templates.FS, f)
		if err != nil {
			return nil, err
		}
		for _, m := range templateCall.FindAllSubmatch(b, -1) {
			if def, ok := p[string(m[1])]; ok && !seen[def] {
				seen[def] = true
				needed = append(needed, def)
				files = append(files, def)
			}
		}
	}
	slices.Sort(needed)
	return needed, nil
}

// render writes page name with data, rendered to a buffer first so that a
// template error becomes an error page instead of half a page.
func (s *Server) render(c *gin.Context, status int, name string, data any) {
	t, ok := s.pages.pages[name]
	if !ok {
		s.fail(c, fmt.Errorf("no template %q", name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", data); err != nil {
		if name == "error" {
			// The error page itself failed: answer in plain text, never blank.
			c.Data(status, "text/plain; charset=utf-8", []byte("Internal error. 系統發生錯誤。\n"))
			return
		}
		s.fail(c, fmt.Errorf("render %s: %w", name, err))
		return
	}
	sendPage(c, status, withFallbackNotice(buf.Bytes(), data))
}

// withFallbackNotice puts at the top of the page, once, the sentence saying
// that some of its texts are shown in another language than the
// visitor's, rather than a mark beside each (their elements carry their
// lang, for screen readers).
func withFallbackNotice(page []byte, data any) []byte {
	i := bytes.Index(page, []byte(fallbackMark))
	if i < 0 {
		return page
	}
	var notice string
	if p, ok := data.(interface{ translator() *i18n.Translator }); ok && p.translator() != nil {
		if n := p.translator().FallbackNotice(); n != "" {
			notice = `<p class="fallback-notice" role="note">` + template.HTMLEscapeString(n) + `</p>`
		}
	}
	return slices.Concat(page[:i], []byte(notice), page[i+len(fallbackMark):])
}
