package web

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/transfer"
)

// An import started in the browser reads, compares and applies its file in
// the background, so that a large file never makes a request wait: the
// job's page follows it. The job is a row of the database (model.ImportJob)
// so that any instance of the tracker shows it; the instance working on it
// holds a lease it renews while it works, and when the lease runs out
// (the instance stopped) the next instance asked about the job takes it
// over. The work is one transaction, so a job taken over starts again.

// importLease is how long an instance keeps a job without a sign of life.
const importLease = 2 * time.Minute

// importNoteEvery is how often progress is written to the job's row.
const importNoteEvery = 500 * time.Millisecond

// importRunner is what this instance is working on.
type importRunner struct {
	mu      sync.Mutex
	running map[uint]*importProgress
	wg      sync.WaitGroup
}

// importProgress is how far a job of this instance is.
type importProgress struct {
	mu          sync.Mutex
	done, total int
}

func (p *importProgress) set(done, total int) {
	p.mu.Lock()
	p.done, p.total = done, total
	p.mu.Unlock()
}

func (p *importProgress) get() (int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done, p.total
}

func newImportRunner() *importRunner { return &importRunner{running: map[uint]*importProgress{}} }

// progress is how far this instance is with job id, if it works on it.
func (r *importRunner) progress(id uint) (done, total int, ok bool) {
	r.mu.Lock()
	p := r.running[id]
	r.mu.Unlock()
	if p == nil {
		return 0, 0, false
	}
	done, total = p.get()
	return done, total, true
}

// WaitImports waits for the imports this instance works on to end (tests,
// and a server stopping).
func (s *Server) WaitImports() { s.imports.wg.Wait() }

// followImport makes sure a job being worked on has a worker: this
// instance takes it when no instance holds its lease.
func (s *Server) followImport(ctx context.Context, j *model.ImportJob) error {
	if !j.State.Working() {
		return nil
	}
	r := s.imports
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running[j.ID] != nil {
		return nil
	}
	now := s.store.Now().UTC()
	claimed, err := s.store.ClaimImportJob(ctx, j.ID, j.State, now, now.Add(importLease))
	if err != nil || !claimed {
		return err
	}
	p := &importProgress{}
	r.running[j.ID] = p
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() {
			r.mu.Lock()
			delete(r.running, j.ID)
			r.mu.Unlock()
		}()
		s.runImport(j, p)
	}()
	return nil
}

// runImport does a job's work: reading and comparing, or applying.
func (s *Server) runImport(j *model.ImportJob, p *importProgress) {
	// The work outlives the request that started it.
	ctx := context.Background()
	log := s.log.With("import", j.ID, "file", j.FileName, "state", j.State)
	defer func() {
		if v := recover(); v != nil {
			log.Error("import failed", "panic", v)
			_ = s.store.FinishImportJob(ctx, j.ID, model.ImportFailed, store.ImportResult{}, nil)
		}
	}()
	// On PostgreSQL other instances read the progress from the job's row;
	// SQLite's one writer is the import itself until it ends, and its one
	// instance shows the progress it holds.
	if s.store.Engine() == "postgresql" {
		stop := s.noteImportProgress(ctx, j.ID, p, log)
		defer stop()
	}
	content, err := s.store.ImportJobContent(ctx, j.ID)
	if err != nil {
		log.Error("import failed", "err", err)
		return
	}
	start := time.Now()
	f, readErr := transfer.ReadFile(j.FileName, content)
	switch {
	case j.State == model.ImportReading && readErr != nil:
		err = s.store.FinishImportPreview(ctx, j.ID, nil, nil, transfer.Refusals(readErr))
	case j.State == model.ImportReading:
		var pv *store.ImportPreview
		pv, err = s.store.PreviewImport(ctx, f.Dataset, p.set)
		var de *model.DatasetError
		switch {
		case errors.As(err, &de):
			err = s.store.FinishImportPreview(ctx, j.ID, nil, f.UnknownColumns, []string{de.Error()})
		case err == nil:
			err = s.store.FinishImportPreview(ctx, j.ID, pv, f.UnknownColumns, nil)
		}
	case readErr != nil: // applying a file read before: the tracker's rules changed meanwhile
		err = s.store.FinishImportJob(ctx, j.ID, model.ImportChanged, store.ImportResult{}, transfer.Refusals(readErr))
	default:
		var res store.ImportResult
		actorCtx := model.NewContextWithActor(ctx, s.importActor(ctx, j))
		res, err = s.store.ImportPreviewed(actorCtx, f.Dataset, j.Fingerprint, p.set)
		var de *model.DatasetError
		switch {
		case errors.Is(err, store.ErrImportChanged):
			err = s.store.FinishImportJob(ctx, j.ID, model.ImportChanged, store.ImportResult{}, nil)
		case errors.As(err, &de):
			err = s.store.FinishImportJob(ctx, j.ID, model.ImportChanged, store.ImportResult{}, []string{de.Error()})
		case err == nil:
			err = s.store.FinishImportJob(ctx, j.ID, model.ImportApplied, res, nil)
		}
	}
	if err != nil {
		log.Error("import failed", "err", err)
		_ = s.store.FinishImportJob(ctx, j.ID, model.ImportFailed, store.ImportResult{}, nil)
		return
	}
	log.Info("import step done", "took", time.Since(start).Round(time.Millisecond))
}

// importActor is who the record of changes names for a job: the
// administrator who started it, and the file.
func (s *Server) importActor(ctx context.Context, j *model.ImportJob) model.Actor {
	a := model.Actor{Door: model.DoorImport, Label: j.FileName}
	if u, err := s.store.FindUserByID(ctx, j.UserID); err == nil {
		a = u.ActorThrough(model.DoorImport)
		a.Source = j.FileName
	}
	return a
}

// noteImportProgress writes p to the job's row every importNoteEvery,
// with a renewed lease, until stop is called. A write that cannot be made
// (SQLite's one writer is the import itself) waits for the next.
func (s *Server) noteImportProgress(ctx context.Context, id uint, p *importProgress, log *slog.Logger) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(importNoteEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				d, t := p.get()
				wctx, cancel := context.WithTimeout(ctx, importNoteEvery)
				err := s.store.NoteImportProgress(wctx, id, d, t, s.store.Now().UTC().Add(importLease))
				cancel()
				if err != nil && !errors.Is(err, context.DeadlineExceeded) {
					log.Debug("import progress not noted", "err", err)
				}
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
