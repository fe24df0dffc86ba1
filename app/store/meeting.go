package store

import (
	"context"

	"github.com/ogptracker/ogptracker/app/model"
)

// RecordMeeting records a multi-stakeholder meeting of the committee.
func (s *Store) RecordMeeting(ctx context.Context, heldOn model.Date) error {
	if heldOn.IsZero() || heldOn.MonthOnly() {
		return model.FieldErrors{"held_on": "is required"}
	}
	return s.db.WithContext(ctx).Create(&model.Meeting{HeldOn: heldOn}).Error
}

// ListMeetings returns the recorded meetings, latest first.
func (s *Store) ListMeetings(ctx context.Context, limit int) ([]model.Meeting, error) {
	var out []model.Meeting
	err := s.db.WithContext(ctx).Order("held_on DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}
