package model

import (
	"errors"
	"fmt"
)

// The rules of the reporting workflow: which version of a period is the
// draft and which is current, what a report may say of its milestones, and
// which report may still be changed or reviewed. The store applies them
// when it writes; pages and the API when they show what may be done.

// Errors of the reporting workflow.
var (
	// ErrNotDraft is returned for a change to a submitted report: a
	// submitted version is never changed; editing it starts the next version.
	ErrNotDraft = errors.New("a submitted report is not changed; edit it to start a new version")
	// ErrNotSubmitted is returned for a review of a draft.
	ErrNotSubmitted = errors.New("only a submitted report is reviewed")
)

// Reports says whether period p (nil for none) is one of commitment c's
// plan, so that a report or an assessment of c may be for it.
func (p *ReportingPeriod) Reports(c *Commitment) bool {
	return p != nil && p.PlanID == c.PlanID
}

// StartDraft makes r a draft on commitment c for period p (nil when there
// is no such period): a report is written by the commitment's lead agency,
// for a period of its plan.
func (r *ProgressReport) StartDraft(c *Commitment, p *ReportingPeriod) error {
	if c.LeadAgencyID == nil {
		return FieldErrors{"commitment": "has no lead agency to report"}
	}
	if !p.Reports(c) {
		return FieldErrors{"period": MsgNotListed}
	}
	r.AgencyID, r.Status = *c.LeadAgencyID, ReportDraft
	r.SubmittedAt, r.SubmittedByID = nil, nil
	return nil
}

// CheckEditable refuses a change to a report that is no longer a draft.
func (r *ProgressReport) CheckEditable() error {
	if r.Status != ReportDraft {
		return ErrNotDraft
	}
	return nil
}

// CheckReviewable refuses a review of a report that is not submitted.
func (r *ProgressReport) CheckReviewable() error {
	if r.Status != ReportSubmitted {
		return ErrNotSubmitted
	}
	return nil
}

// MayReviewReport is the rule of who may review report r: a member who may
// review (MayReview), of a submitted version.
func (u *User) MayReviewReport(r *ProgressReport) bool {
	return u.MayReview() && r.CheckReviewable() == nil
}

// ReportVersions are the versions of one commitment's report for one period.
type ReportVersions struct {
	Draft     *ProgressReport   // the one draft, if any
	Submitted []*ProgressReport // oldest first
	Next      int               // the number a new version takes
}

// Current is the latest submitted version, nil when none is.
func (v ReportVersions) Current() *ProgressReport {
	if len(v.Submitted) == 0 {
		return nil
	}
	return v.Submitted[len(v.Submitted)-1]
}

// VersionsOf sorts out the versions of period periodID among reports, a
// commitment's reports in version order.
func VersionsOf(reports []ProgressReport, periodID uint) ReportVersions {
	v := ReportVersions{Next: 1}
	for i := range reports {
		r := &reports[i]
		if r.PeriodID != periodID {
			continue
		}
		if r.Status == ReportDraft {
			v.Draft = r
		} else {
			v.Submitted = append(v.Submitted, r)
		}
		v.Next = max(v.Next, r.Version+1)
	}
	return v
}

// CountVerdicts counts the confirmations and dissents among reviews.
func CountVerdicts(reviews []Review) (confirms, dissents int) {
	for _, x := range reviews {
		if x.Verdict == VerdictDissent {
			dissents++
		} else {
			confirms++
		}
	}
	return confirms, dissents
}

// CheckMilestones checks the milestones r names against ms, its
// commitment's milestones: each one the commitment's, each proposed status
// possible (Milestone.ChangeStatus's rules, as of today when today is
// given: a draft may name a completion date that a submission on a later
// day allows), and, on submission (today given), a reason for each
// milestone that stays or becomes delayed. It keeps the milestones'
// numbers, and drops proposals that change nothing.
func (r *ProgressReport) CheckMilestones(ms []Milestone, today *Date) error {
	byID := map[uint]*Milestone{}
	for i := range ms {
		byID[ms[i].ID] = &ms[i]
	}
	fe := FieldErrors{}
	far := Date{Year: 2200, Month: 12, Day: 31}
	var kept StatusProposals
	status := map[uint]MilestoneStatus{}
	for _, m := range ms {
		status[m.ID] = m.Status
	}
	for _, p := range r.Proposals {
		field := fmt.Sprintf("milestones[%d]", p.MilestoneID)
		m := byID[p.MilestoneID]
		if m == nil {
			fe.Add(field+".status", MsgNotListed)
			continue
		}
		p.Ref = m.Ref
		if p.Status == m.Status && (p.Status != MilestoneCompleted || p.CompletedOn == m.CompletedOn) {
			continue
		}
		day := far
		if today != nil {
			day = *today
		}
		probe := *m
		if err := probe.ChangeStatus(p.Status, p.CompletedOn, day); err != nil {
			var bad FieldErrors
			if errors.As(err, &bad) {
				for k, v := range bad {
					fe.Add(field+"."+k, v)
				}
				continue
			}
			return err
		}
		status[m.ID] = p.Status
		kept = append(kept, p)
	}
	r.Proposals = kept
	for i, d := range r.Delays {
		m := byID[d.MilestoneID]
		if m == nil {
			fe.Add(fmt.Sprintf("delays[%d].reason", d.MilestoneID), MsgNotListed)
			continue
		}
		r.Delays[i].Ref = m.Ref
	}
	if today != nil { // on submission, a reason for each delayed milestone
		for _, m := range ms {
			if status[m.ID] != MilestoneDelayed {
				continue
			}
			has := false
			for _, d := range r.Delays {
				has = has || d.MilestoneID == m.ID && d.Reason != ""
			}
			if !has {
				fe.Add(fmt.Sprintf("delays[%d].reason", m.ID), MsgRequired)
			}
		}
	}
	return fe.Err()
}
