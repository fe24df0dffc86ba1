package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
)

// The imports started in the browser (model.ImportJob). Their rows are
// written outside the writer's turn (s.db, not s.write): an import's
// progress is noted while its own transaction holds that turn.

// CreateImportJob keeps an uploaded file as a new job, to be read.
func (s *Store) CreateImportJob(ctx context.Context, j *model.ImportJob) error {
	j.State = model.ImportReading
	if j.Refusals == nil {
		j.Refusals = model.Strings{}
	}
	if j.Unknown == nil {
		j.Unknown = model.Strings{}
	}
	return s.db.WithContext(ctx).Omit("User").Create(j).Error
}

// FindImportJob returns a job of the person userID, without its file.
// Another person's job is not found.
func (s *Store) FindImportJob(ctx context.Context, id, userID uint) (*model.ImportJob, error) {
	var j model.ImportJob
	err := s.db.WithContext(ctx).Omit("content").Where("id = ? AND user_id = ?", id, userID).Take(&j).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &j, nil
}

// FindImportJobs returns the latest jobs of the person userID, newest
// first, without their files and previews.
func (s *Store) FindImportJobs(ctx context.Context, userID uint, limit int) ([]model.ImportJob, error) {
	var js []model.ImportJob
	err := s.db.WithContext(ctx).Omit("content", "preview").Where("user_id = ?", userID).
		Order("created_at DESC, id DESC").Limit(limit).Find(&js).Error
	return js, err
}

// ImportJobContent returns the file of a job.
func (s *Store) ImportJobContent(ctx context.Context, id uint) ([]byte, error) {
	var j model.ImportJob
	if err := s.db.WithContext(ctx).Select("id", "content").Take(&j, id).Error; err != nil {
		return nil, notFound(err)
	}
	return j.Content, nil
}

// ClaimImportJob makes the caller the one working on a job in state, until
// until: it reports false when the job is in another state, or another
// instance holds it and has given a sign of life since now.
func (s *Store) ClaimImportJob(ctx context.Context, id uint, state model.ImportJobState, now, until time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&model.ImportJob{}).
		Where("id = ? AND state = ? AND (lease_until IS NULL OR lease_until < ?)", id, state, now).
		Updates(map[string]any{"lease_until": until, "updated_at": now})
	return res.RowsAffected == 1, res.Error
}

// NoteImportProgress notes how far a job's work is, and that its worker lives until until.
func (s *Store) NoteImportProgress(ctx context.Context, id uint, done, total int, until time.Time) error {
	return s.db.WithContext(ctx).Model(&model.ImportJob{}).Where("id = ?", id).
		Updates(map[string]any{"done": done, "total": total, "lease_until": until, "updated_at": s.now().UTC()}).Error
}

// FinishImportPreview ends the reading of a job: with its preview, to be
// confirmed, or with the file's problems, and then the file is let go.
func (s *Store) FinishImportPreview(ctx context.Context, id uint, pv *ImportPreview, unknown []string, refusals []string) error {
	now := s.now().UTC()
	values := map[string]any{"lease_until": nil, "updated_at": now, "unknown": model.Strings(orNone(unknown)),
		"refusals": model.Strings(orNone(refusals))}
	if pv != nil {
		data, err := json.Marshal(pv)
		if err != nil {
			return err
		}
		values["state"], values["preview"], values["fingerprint"] = model.ImportPreviewed, string(data), pv.Fingerprint
	} else {
		values["state"], values["finished_at"], values["content"] = model.ImportRefused, now, []byte{}
	}
	return s.db.WithContext(ctx).Model(&model.ImportJob{}).Where("id = ? AND state = ?", id, model.ImportReading).
		Updates(values).Error
}

// ConfirmImportJob turns a previewed job of userID into one to apply; it
// reports false when the job is not waiting for a confirmation.
func (s *Store) ConfirmImportJob(ctx context.Context, id, userID uint) (bool, error) {
	res := s.db.WithContext(ctx).Model(&model.ImportJob{}).
		Where("id = ? AND user_id = ? AND state = ?", id, userID, model.ImportPreviewed).
		Updates(map[string]any{"state": model.ImportApplying, "done": 0, "lease_until": nil, "updated_at": s.now().UTC()})
	return res.RowsAffected == 1, res.Error
}

// FinishImportJob ends a job in state (applied, changed, failed) with what
// it wrote or why not, and lets its file go.
func (s *Store) FinishImportJob(ctx context.Context, id uint, state model.ImportJobState, res ImportResult, refusals []string) error {
	now := s.now().UTC()
	return s.db.WithContext(ctx).Model(&model.ImportJob{}).Where("id = ? AND state IN ?", id,
		[]model.ImportJobState{model.ImportReading, model.ImportApplying}).
		Updates(map[string]any{"state": state, "created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged,
			"refusals": model.Strings(orNone(refusals)), "lease_until": nil, "finished_at": now, "updated_at": now, "content": []byte{}}).Error
}

// ImportJobPreview reads a job's preview back.
func ImportJobPreview(j *model.ImportJob) (*ImportPreview, error) {
	var pv ImportPreview
	if err := json.Unmarshal([]byte(j.Preview), &pv); err != nil {
		return nil, err
	}
	return &pv, nil
}

func orNone(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
