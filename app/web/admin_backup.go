package web

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/gin-gonic/gin"

	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// The whole tracker to take away (administrators only): the plan data as
// the tracker's JSON, as `ogptracker export` writes it, contacts' private
// details included; and, on SQLite, a consistent copy of the database file.

// exportAll sends every plan, agency, organisation and contact as JSON.
func (s *Server) exportAll(c *gin.Context) {
	ds, err := s.store.ExportDataset(c.Request.Context(), store.ExportOptions{Private: true})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="ogptracker-%s.json"`, s.now().Format("2006-01-02")))
	c.Status(http.StatusOK)
	if err := transfer.WriteJSON(c.Writer, ds); err != nil {
		s.log.Error("export cut short", "err", err, "request", c.GetString(requestIDKey))
	}
}

// backupDatabase sends a copy of the SQLite database made with VACUUM
// INTO, a consistent snapshot, while the tracker goes on. PostgreSQL's
// copies are the database server's: there is no file to send.
func (s *Server) backupDatabase(c *gin.Context) {
	if s.store.Engine() != "sqlite" {
		s.fail(c, errNotFound)
		return
	}
	dir, err := os.MkdirTemp("", "ogptracker-backup-*")
	if err != nil {
		s.fail(c, err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "ogptracker.db")
	if err := s.store.BackupTo(c.Request.Context(), path); err != nil {
		s.fail(c, err)
		return
	}
	c.Set(noStoreKey, true)
	c.Header("Content-Type", "application/vnd.sqlite3")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="ogptracker-%s.db"`, s.now().Format("2006-01-02")))
	c.File(path)
}
