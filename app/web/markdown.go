package web

import (
	"bytes"
	"html/template"
	"io"
	"net/http"
	"net/url"
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

// renderMarkdown turns Markdown into HTML safe to place in a page.
func renderMarkdown(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src)) // goldmark fails only on a failing writer
	}
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitised just now
}

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
