package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// The import of plan data in the browser (MayManagePlans): the
// administrator uploads OGP's commitment-data CSV or the tracker's JSON,
// reads what it would create and update, per plan, and confirms. The file
// is read, compared and applied in the background (import_runner.go).

// importPage is the upload form, the administrator's latest imports and
// the exports.
type importPage struct {
	Page
	Errors   map[string]string // "file" → message id
	FileName string            // the file refused, to name it
	Jobs     []model.ImportJob
	Engine   string // "sqlite" or "postgresql": what a backup is
}

// importJobsShown is how many of an administrator's imports the page lists.
const importJobsShown = 10

func (s *Server) showImport(c *gin.Context) {
	s.renderImport(c, http.StatusOK, importPage{})
}

func (s *Server) renderImport(c *gin.Context, status int, p importPage) {
	jobs, err := s.store.FindImportJobs(c.Request.Context(), visitor(c).ID, importJobsShown)
	if err != nil {
		s.fail(c, err)
		return
	}
	p.Page, p.Jobs, p.Engine = s.page(c), jobs, s.store.Engine()
	c.Set(noStoreKey, true)
	s.render(c, status, "admin/import", p)
}

// uploadImport keeps the file as a job and starts reading it; the answer
// is the job's page, which follows the work.
func (s *Server) uploadImport(c *gin.Context) {
	refuse := func(field, msg, name string) {
		s.renderImport(c, http.StatusUnprocessableEntity, importPage{Errors: map[string]string{field: msg}, FileName: name})
	}
	fh, err := c.FormFile("file")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
			refuse("file", "import.error.nofile", "")
			return
		}
		s.fail(c, errBadRequest)
		return
	}
	name := importFileName(fh.Filename)
	f, err := fh.Open()
	if err != nil {
		s.fail(c, err)
		return
	}
	content, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(bytes.TrimSpace(content)) == 0 {
		refuse("file", "import.error.empty", name)
		return
	}
	if _, err := transfer.SniffKind(name, content); err != nil || looksBinary(content) {
		refuse("file", "import.error.kind", name)
		return
	}
	job := &model.ImportJob{UserID: visitor(c).ID, FileName: name, Content: content}
	if err := s.store.CreateImportJob(c.Request.Context(), job); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.followImport(c.Request.Context(), job); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/import/"+strconv.FormatUint(uint64(job.ID), 10))
}

// importFileName is the name of an uploaded file as the tracker keeps it:
// without folders or control characters, at most 255 characters.
func importFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if r := []rune(name); len(r) > 255 {
		name = string(r[:255])
	}
	if name == "" || name == "." || name == "/" {
		name = "upload"
	}
	return name
}

// looksBinary reports whether content is no text file: a spreadsheet, a
// picture, a PDF hold NUL bytes early on, which no CSV or JSON does.
func looksBinary(content []byte) bool {
	return bytes.IndexByte(content[:min(len(content), 8192)], 0) >= 0
}

// importJobPage is one import: its progress while it works (the page
// refreshes itself), its preview, its refusals or its result.
type importJobPage struct {
	Page
	Job         *model.ImportJob
	Done, Total int
	Percent     int
	Preview     *importPreviewView
}

// importPreviewView is a preview in the page's words.
type importPreviewView struct {
	Created, Updated, Unchanged int
	Updates                     bool // some record is updated: the updates are listed
	Totals                      []store.EntityCount
	Plans                       []planPreviewView
	Other                       *planPreviewView
}

type planPreviewView struct {
	Ref, Title string
	Lang       string // the title's language where it is not the page's
	Action     string
	Counts     []store.EntityCount
	// Summary says in one line what the import does to the plan's records:
	// "to create: Themes 2, Commitments 4".
	Summary string
	Updated []importRecordView
}

// importRecordView is one record updated.
type importRecordView struct {
	Entity model.Entity
	Ref    string
	Fields []fieldRow // before and after
}

// countsSummary puts what an import does to the records of one plan in
// one line, the kinds of records with none left out.
func countsSummary(t *i18n.Translator, counts []store.EntityCount) string {
	var parts []string
	for _, action := range []string{"created", "updated", "unchanged"} {
		var kinds []string
		for _, ec := range counts {
			n := map[string]int{"created": ec.Created, "updated": ec.Updated, "unchanged": ec.Unchanged}[action]
			if n > 0 {
				kinds = append(kinds, t.T("import.kind.count", "Kind", t.T("import.kind."+string(ec.Entity)), "N", n)) // not Count: no plural form to choose
			}
		}
		if len(kinds) > 0 {
			parts = append(parts, t.T("import.summary."+action, "List", strings.Join(kinds, t.T("import.summary.separator"))))
		}
	}
	return strings.Join(parts, t.T("import.summary.between"))
}

func (s *Server) importJob(c *gin.Context) (*model.ImportJob, bool) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil || id == 0 {
		s.fail(c, errNotFound)
		return nil, false
	}
	// Another administrator's job is not found: a job belongs to who started it.
	j, err := s.store.FindImportJob(c.Request.Context(), uint(id), visitor(c).ID)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return j, true
}

func (s *Server) showImportJob(c *gin.Context) {
	j, ok := s.importJob(c)
	if !ok {
		return
	}
	// The instance that worked on it may have stopped: this one goes on.
	if err := s.followImport(c.Request.Context(), j); err != nil {
		s.fail(c, err)
		return
	}
	p := importJobPage{Page: s.page(c), Job: j, Done: j.Done, Total: j.Total}
	if done, total, ok := s.imports.progress(j.ID); ok {
		p.Done, p.Total = done, total
	}
	if p.Total > 0 {
		p.Percent = p.Done * 100 / p.Total
	}
	if j.State == model.ImportPreviewed || j.State == model.ImportApplied || j.State == model.ImportChanged {
		if j.Preview != "" {
			pv, err := store.ImportJobPreview(j)
			if err != nil {
				s.fail(c, err)
				return
			}
			p.Preview = s.previewView(p.T.Lang, newChangeWords(p.T, 0), pv)
		}
	}
	c.Set(noStoreKey, true)
	s.render(c, http.StatusOK, "admin/import_job", p)
}

func (s *Server) previewView(lang string, w changeWords, pv *store.ImportPreview) *importPreviewView {
	v := &importPreviewView{Created: pv.Created, Updated: pv.Updated, Unchanged: pv.Unchanged, Totals: pv.Totals, Updates: pv.Updated > 0}
	part := func(pp store.PlanPreview) planPreviewView {
		out := planPreviewView{Ref: pp.Ref, Action: pp.Action, Counts: pp.Counts}
		if len(pp.Title) > 0 {
			shown := w.t.Text(pp.Title)
			out.Title = shown.Value
			if shown.Lang != lang {
				out.Lang = shown.Lang
			}
		}
		out.Summary = countsSummary(w.t, pp.Counts)
		// Updates are shown field by field; what is created is counted: a
		// file of hundreds of plans makes a page that stays readable.
		for _, ch := range pp.Changes {
			if ch.Action == model.ChangeCreated {
				continue
			}
			rec := importRecordView{Entity: ch.Entity, Ref: ch.Ref, Fields: w.row(ch).Fields}
			out.Updated = append(out.Updated, rec)
		}
		return out
	}
	for _, pp := range pv.Plans {
		v.Plans = append(v.Plans, part(pp))
	}
	if len(pv.Other.Counts) > 0 {
		other := part(pv.Other)
		v.Other = &other
	}
	return v
}

// applyImport confirms a preview: the file previewed is applied, in the
// background, unless the data changed since (then nothing is).
func (s *Server) applyImport(c *gin.Context) {
	j, ok := s.importJob(c)
	if !ok {
		return
	}
	confirmed, err := s.store.ConfirmImportJob(c.Request.Context(), j.ID, visitor(c).ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if confirmed { // otherwise it is applied or applying already: its page says
		j.State = model.ImportApplying
		if err := s.followImport(c.Request.Context(), j); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.Redirect(http.StatusSeeOther, "/admin/import/"+strconv.FormatUint(uint64(j.ID), 10))
}
