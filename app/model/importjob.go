package model

import "time"

// ImportJobState is where an import started in the browser stands.
type ImportJobState string

const (
	ImportReading   ImportJobState = "reading"   // the file is read and compared with the tracker's data
	ImportPreviewed ImportJobState = "previewed" // the preview waits for the administrator's confirmation
	ImportRefused   ImportJobState = "refused"   // the file has problems; nothing was changed
	ImportApplying  ImportJobState = "applying"  // confirmed: the file is being applied
	ImportApplied   ImportJobState = "applied"   // done
	ImportChanged   ImportJobState = "changed"   // not applied: the data changed since the preview
	ImportFailed    ImportJobState = "failed"    // the tracker failed; nothing was changed
)

// Working reports whether the job is being worked on.
func (s ImportJobState) Working() bool { return s == ImportReading || s == ImportApplying }

// ImportJob is an import started in the browser: the file uploaded, its
// preview, and then its application, done in the background. It is kept
// in the database so that whichever instance of the tracker answers the
// next request can show it, and go on with it if the one working on it
// stopped. A job belongs to the administrator who started it.
type ImportJob struct {
	ID       uint   `gorm:"primaryKey"`
	UserID   uint   `gorm:"not null;index"`
	User     *User  `gorm:"constraint:OnDelete:CASCADE"`
	FileName string `gorm:"size:255;not null"`
	// Content is the file as uploaded, until the job ends.
	Content []byte         `gorm:"not null"`
	State   ImportJobState `gorm:"size:20;not null"`
	// Done and Total count the commitments of the work in progress.
	Done  int `gorm:"not null;default:0"`
	Total int `gorm:"not null;default:0"`
	// Preview is the store's ImportPreview as JSON, and Fingerprint its
	// sum, which the application must find again.
	Preview     string `gorm:"type:text;not null;default:''"`
	Fingerprint string `gorm:"size:64;not null;default:''"`
	// Refusals are the file's problems, one line each ("row 4, column
	// Start Date: …"), or why it was not applied.
	Refusals Strings `gorm:"not null"`
	// Unknown are the columns of a CSV that are not imported.
	Unknown Strings `gorm:"not null"`
	// Created, Updated and Unchanged count the records the application wrote.
	Created, Updated, Unchanged int `gorm:"not null;default:0"`
	// LeaseUntil is when the instance working on the job must have given a
	// sign of life; after it, another may take the job over.
	LeaseUntil *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}
