package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
	"github.com/ogptracker/ogptracker/app/store/storetest"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// copySource is a tracker with something in the tables that are easy to
// get wrong: the demo plan, an agency whose parent was made after it, an
// account signed in, a submitted report and its review.
func copySource(t *testing.T) *store.Store {
	t.Helper()
	s, c, period := reportingStore(t)
	child, err := s.FindAgencyByCode(ctx, "CEC")
	if err != nil {
		t.Fatal(err)
	}
	parent := &model.Agency{Code: "COPY-PARENT", Name: model.T("en", "A parent made after its child")}
	if err := s.CreateAgency(ctx, parent); err != nil {
		t.Fatal(err)
	}
	child.ParentID = &parent.ID
	if err := s.UpdateAgency(ctx, child, child.Version); err != nil {
		t.Fatal(err)
	}
	liaison := newAccount(t, "liaison@example.org", model.RoleLiaison, c.LeadAgencyID)
	member := newAccount(t, "member@example.org", model.RoleCommittee, nil)
	for _, u := range []*model.User{liaison, member} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.CreateSession(ctx, liaison.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetHomePlan(ctx, c.PlanID); err != nil {
		t.Fatal(err)
	}
	r := &model.ProgressReport{CommitmentID: c.ID, PeriodID: period.ID, Narrative: "Two hearings held."}
	if err := s.SaveAndSubmitReport(ctx, r, model.MustDate("2021-12-31")); err != nil {
		t.Fatal(err)
	}
	if err := s.ReviewReport(ctx, &model.Review{ReportID: r.ID, UserID: member.ID, Verdict: model.VerdictConfirm}); err != nil {
		t.Fatal(err)
	}
	// A milestone answered for by a second agency.
	if err := s.DBForTest().Exec("INSERT INTO milestone_agencies (milestone_id, agency_id) SELECT MIN(id), ? FROM milestones", child.ID).Error; err != nil {
		t.Fatal(err)
	}
	// One row at least in every other table.
	if err := s.AssessCompletion(ctx, &model.CompletionAssessment{CommitmentID: c.ID, PeriodID: period.ID, UserID: member.ID,
		Completion: model.CompletionSubstantial, Note: "On track."}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateOneTimeLink(ctx, member.ID, model.LinkPasswordReset, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordSignInFailure(ctx, "member@example.org", "192.0.2.7", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.OptOut(ctx, member.ID, model.KindDigest); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWebhook(ctx, &model.Webhook{AgencyID: c.LeadAgencyID, URL: "https://hooks.example.org/ogp"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordMeeting(ctx, model.MustDate("2021-12-15")); err != nil {
		t.Fatal(err)
	}
	meeting := &model.Meeting{PlanID: &c.PlanID, HeldOn: model.MustDate("2021-12-20"), Kind: model.MeetingTaskForce,
		Agenda:    []model.AgendaItem{{Position: 1, Title: "進度", CommitmentID: &c.ID}},
		Attendees: []model.Attendee{{Position: 1, Side: model.SideGovernment, Name: "林聯絡"}},
		Documents: []model.MeetingDocument{{Position: 1, Title: "紀錄", URL: "https://example.org/m.pdf"}}}
	if err := s.SaveMeeting(ctx, meeting, 0); err != nil {
		t.Fatal(err)
	}
	item := &model.FollowUp{MeetingID: meeting.ID, What: "公開清單", AgencyID: *c.LeadAgencyID, CommitmentID: &c.ID}
	if err := s.CreateFollowUp(ctx, item); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFollowUpNote(ctx, &model.FollowUpNote{FollowUpID: item.ID, Text: "進行中", AuthorID: &liaison.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTranscript(ctx, &model.Transcript{MeetingID: meeting.ID, UploadedAt: start, ClosesAt: start.Add(time.Hour),
		Speeches: []model.Speech{{Position: 1, Speaker: "林聯絡", UserID: &liaison.ID, Text: "報告。"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddHolidays(ctx, []model.Holiday{{Day: model.MustDate("2021-12-31"), Name: "補假"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ServerSecret(ctx, "form_token"); err != nil { // the key of the sign-in form tokens
		t.Fatal(err)
	}
	if _, err := s.CreateAPIToken(ctx, &model.APIToken{Name: "agency system", AgencyID: *c.LeadAgencyID,
		Scopes: model.Strings{"milestones:write"}, CreatedByID: &member.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateImportJob(ctx, &model.ImportJob{UserID: member.ID, FileName: "plans.csv", Content: []byte("Commitment Unique Identifier\n")}); err != nil {
		t.Fatal(err)
	}
	q := &model.Question{CommitmentID: &c.ID, Kind: model.AskQuestion, Text: "When?", Lang: "en", Channel: model.ChannelOnline, FromHash: "h"}
	if err := s.AskQuestion(ctx, q, "", "voter", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.FollowUpQuestion(ctx, q.ID, "And then?", "", "h"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.QueueMessages(ctx, []model.OutboxMessage{{Rule: "milestone-due-14d", Subject: "milestone:4",
		Recipient: fmt.Sprintf("user:%d", liaison.ID), Occurrence: "2021-12-31", Kind: model.KindDue, Channel: model.ChannelEmail,
		UserID: &liaison.ID, To: liaison.Email, Lang: "zh-TW", Title: "里程碑將於 2021年12月 到期", Text: "…", UnsubscribeToken: "t0k3n"}}); err != nil {
		t.Fatal(err)
	}
	claimed, err := s.ClaimMessages(ctx, model.ChannelEmail, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v, %v", claimed, err)
	}
	if err := s.MarkAttemptFailed(ctx, claimed[0].ID, "421 try again later", start.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestFollow(ctx, model.FollowRequest{Email: "reader@example.org", Language: "en", Target: model.FollowCommitment, TargetID: c.ID},
		store.FollowLimits{LinkLifetime: time.Hour, PerWindow: 3, Window: time.Hour},
		func(token string, f *model.Follower) model.OutboxMessage {
			return model.OutboxMessage{Lang: "en", Title: "Confirm", Text: token}
		}); err != nil {
		t.Fatal(err)
	}
	return s
}

// Every table a foreign key of the migrated schema names is copied
// before the table holding the key, or is that table itself.
func TestCopyOrdersEveryTableAfterThoseItRefersTo(t *testing.T) {
	testdb.SkipOnPostgres(t, "the order is checked against SQLite's list of foreign keys (pragma_foreign_key_list)")
	t.Parallel()
	s, _ := openTestStore(t)
	counts, err := s.TableCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	position := map[string]int{}
	for i, c := range counts {
		position[c.Table] = i
	}
	tables, err := s.DBForTest().Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	keysSeen := 0
	for _, table := range tables {
		if table == "schema_migrations" || store.InternalTable(table) { // the store rebuilds its own
			continue
		}
		at, ok := position[table]
		if !ok {
			t.Errorf("table %s is not copied", table)
			continue
		}
		var keys []struct{ Table, From string }
		if err := s.DBForTest().Raw("SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?)", table).Scan(&keys).Error; err != nil {
			t.Fatal(err)
		}
		keysSeen += len(keys)
		for _, k := range keys {
			if k.Table != table && position[k.Table] >= at {
				t.Errorf("%s.%s names %s, copied after it", table, k.From, k.Table)
			}
		}
	}
	if keysSeen < 20 {
		t.Errorf("only %d foreign keys were checked", keysSeen)
	}
}

func TestCopyMovesEveryTableWithItsIDsAndRefusesATargetWithData(t *testing.T) {
	t.Parallel()
	src := copySource(t)
	dst := storetest.Open(t, time.Now)
	copied, err := src.CopyTo(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, c := range copied {
		rows[c.Table] = c.Rows
		if c.Rows == 0 {
			t.Errorf("the source has no rows in %s: the test shows nothing about them", c.Table)
		}
	}
	want, err := src.Fingerprint(ctx, "sqlite_sequence")
	if err != nil {
		t.Fatal(err)
	}
	got, err := dst.Fingerprint(ctx, "sqlite_sequence")
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("the copy differs:\n got %v\nwant %v", got, want)
	}
	// The copy works on: the next agency takes the next id.
	next := &model.Agency{Code: "NEXT", Name: model.T("en", "Next")}
	if err := dst.CreateAgency(ctx, next); err != nil {
		t.Fatal(err)
	}
	if next.ID != uint(rows["agencies"])+1 {
		t.Errorf("the next agency's id is %d, want %d", next.ID, rows["agencies"]+1)
	}

	// A second copy into the target is refused, naming what it holds, and changes nothing.
	before, err := dst.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.CopyTo(ctx, dst)
	if !errors.Is(err, store.ErrTargetNotEmpty) {
		t.Fatalf("second copy: %v", err)
	}
	for _, what := range []string{"agencies 17", "plans 1", "sessions 1", "commitments 19", "nothing was copied"} {
		if !strings.Contains(err.Error(), what) {
			t.Errorf("the refusal does not say %q: %v", what, err)
		}
	}
	if after, err := dst.Fingerprint(ctx); err != nil || !maps.Equal(after, before) {
		t.Errorf("the refused copy changed the target (%v)", err)
	}
}

// With OGPTRACKER_TEST_POSTGRES set, a tracker on SQLite moves to
// PostgreSQL: the same rows in every table, the same plan data, and ids
// that go on past the copied ones.
func TestCopyFromSQLiteToPostgreSQL(t *testing.T) {
	t.Parallel()
	target := testdb.NewPostgresURL(t)
	src := copySource(t)
	dst, err := store.Open(target, store.Options{Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	copied, err := src.CopyTo(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := dst.TableCounts(ctx)
	if err != nil || !slices.Equal(counts, copied) {
		t.Fatalf("PostgreSQL holds %v (%v), the copy reported %v", counts, err, copied)
	}
	a, err := src.ExportDataset(ctx, store.ExportOptions{Private: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := dst.ExportDataset(ctx, store.ExportOptions{Private: true})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("the plan data differs after the copy (%d and %d bytes)", len(ja), len(jb))
	}
	// And back: a second SQLite copy holds exactly what the first did.
	back := storetest.Open(t, time.Now)
	if _, err := dst.CopyTo(ctx, back); err != nil {
		t.Fatal(err)
	}
	want, err := src.Fingerprint(ctx, "sqlite_sequence")
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Fingerprint(ctx, "sqlite_sequence")
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range slices.Sorted(maps.Keys(want)) {
		if got[table] != want[table] {
			t.Errorf("%s, copied to PostgreSQL and back, holds %s, not %s", table, got[table], want[table])
		}
	}

	agencies := int64(0)
	for _, c := range copied {
		if c.Table == "agencies" {
			agencies = c.Rows
		}
	}
	next := &model.Agency{Code: "NEXT", Name: model.T("en", "Next")}
	if err := dst.CreateAgency(ctx, next); err != nil {
		t.Fatal(err)
	}
	if int64(next.ID) != agencies+1 {
		t.Errorf("the next agency's id is %d, want %d: the sequence was not moved past the copy", next.ID, agencies+1)
	}
}
