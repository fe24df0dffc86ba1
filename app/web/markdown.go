package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Reports are written in Markdown (goldmark, CommonMark with GitHub's
// tables, strikethrough and autolinks) and shown after bluemonday's UGC
// policy has removed anything that could run or restyle the page: a
// report is written by one agency and read by everyone.
var (
	markdown  = goldmark.New(goldmark.WithExtensions(extension.GFM))
	sanitizer = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoReferrerOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(false)
		return p
	}()
)

// renderMarkdown turns Markdown into HTML safe to place in a page, below
// a heading of level under: the text's own headings are moved down so that
// its highest becomes under+1, and the page's outline stays in order.
func renderMarkdown(src string, under int) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src)) // goldmark fails only on a failing writer
	}
	out := sanitizer.SanitizeBytes(buf.Bytes())
	top := 7
	for _, m := range headingTag.FindAllSubmatch(out, -1) {
		top = min(top, int(m[2][0]-'0'))
	}
	if shift := under + 1 - top; top < 7 && shift != 0 {
		out = headingTag.ReplaceAllFunc(out, func(tag []byte) []byte {
			m := headingTag.FindSubmatch(tag)
			return fmt.Appendf(nil, "<%sh%d>", m[1], min(6, int(m[2][0]-'0')+shift))
		})
	}
	return template.HTML(out) //nolint:gosec // sanitised just now
}

// headingTag is an opening or closing heading tag as goldmark writes them.
var headingTag = regexp.MustCompile(`<(/?)h([1-6])>`)

// maxReportForm is the largest report form read. Go reads at most 10 MB
// of a form and then drops all of it, token included, so a report with
// one overlong field would be refused as a forged form; reading up to this
// much lets the page say which field is too long and keep the rest.
const maxReportForm = 32 << 20

// largeForms reads the URL-encoded forms of the report pages itself, up to
// maxReportForm (larger ones get 413), before the form token is checked.
// Other requests pass untouched.
func (s *Server) largeForms(c *gin.Context) {
	r := c.Request
	p := r.URL.Path
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") ||
		!(strings.HasPrefix(p, "/reports/") || strings.HasPrefix(p, "/commitments/") || strings.HasPrefix(p, "/admin/periods")) {
		c.Next()
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, r.Body, maxReportForm))
	if err != nil {
		c.Set(noStoreKey, true)
		s.render(c, http.StatusRequestEntityTooLarge, "error", errorPage{Page: s.page(c), Heading: "report.error.toolarge", Message: "report.error.toolarge.text"})
		c.Abort()
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		s.fail(c, errBadRequest)
		c.Abort()
		return
	}
	r.PostForm = form
	r.Form = url.Values{}
	for k, v := range form {
		r.Form[k] = append(r.Form[k], v...)
	}
	for k, v := range r.URL.Query() {
		r.Form[k] = append(r.Form[k], v...)
	}
	c.Next()
}
