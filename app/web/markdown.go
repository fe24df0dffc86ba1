package web

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strings"

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
