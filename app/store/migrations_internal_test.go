package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store/testdb"
)

// A database made before the record of changes upgrades in place: its
// milestones gain evidence (none yet) and its record starts empty.
func TestADatabaseOfTheFirstSchemaUpgrades(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(testdb.NewURL(t, "old.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.migrator(ctx, migrations[:1]).Migrate(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO plans (id, ref, jurisdiction, title, status) VALUES (1, 'OLD-1', '{"en":"Oldland"}', '{"en":"Old plan"}', 'implementation')`,
		`INSERT INTO commitments (id, ref, plan_id, code, title) VALUES (1, 'OLD-1/1', 1, '1', '{"en":"Old commitment"}')`,
		`INSERT INTO milestones (commitment_id, ref, position, title, status, weight) VALUES (1, '1', 1, '{"en":"Old milestone"}', 'not-started', 1)`,
	} {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Migrate(ctx); err != nil || n != len(migrations)-1 {
		t.Fatalf("upgrade: applied %d, %v; want %d", n, err, len(migrations)-1)
	}
	ms, err := s.FindMilestones(ctx, []uint{1})
	if err != nil || len(ms[1]) != 1 || len(ms[1][0].Evidence) != 0 || ms[1][0].Title["en"] != "Old milestone" {
		t.Errorf("the old milestone reads %+v, %v; want it whole, without evidence", ms, err)
	}
	if cs, total, err := s.FindChanges(ctx, ChangeFilter{CommitmentID: 1}); err != nil || len(cs) != 0 || total != 0 {
		t.Errorf("record of an old commitment: %v, %d, %v; want empty", cs, total, err)
	}
}

// A database of the record-of-changes schema gains accounts; a liaison's
// agency cannot be deleted from under it, and deleting an account ends its sessions.
func TestADatabaseBeforeAccountsUpgrades(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(testdb.NewURL(t, "old.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.migrator(ctx, migrations[:2]).Migrate(); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Exec(`INSERT INTO agencies (id, code, name) VALUES (1, 'CEC', '{"en":"Central Election Commission"}')`).Error; err != nil {
		t.Fatal(err)
	}
	if n, err := s.Migrate(ctx); err != nil || n != len(migrations)-2 {
		t.Fatalf("upgrade: applied %d, %v", n, err)
	}
	agency := uint(1)
	u := &model.User{Email: "liaison@example.org", Name: "Liaison", Role: model.RoleLiaison, AgencyID: &agency, PasswordHash: "$2a$10$x"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	token, _, err := s.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Exec(`DELETE FROM agencies WHERE id = 1`).Error; err == nil {
		t.Error("the agency of a liaison was deleted")
	}
	if err := s.db.Exec(`DELETE FROM users WHERE id = ?`, u.ID).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindSession(ctx, token); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("the session of a deleted account: %v", err)
	}
	var n int64
	s.db.Table("sessions").Count(&n)
	if n != 0 {
		t.Errorf("%d sessions left of a deleted account", n)
	}
}

// A database before people's versions upgrades in place: its agencies,
// organisations, contacts and accounts start at version 1, and a write
// from that version goes through.
func TestADatabaseBeforePeoplesVersionsUpgrades(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(testdb.NewURL(t, "old.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.migrator(ctx, migrations[:len(migrations)-1]).Migrate(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO agencies (id, code, name) VALUES (1, 'CEC', '{"en":"Central Election Commission"}')`,
		`INSERT INTO organisations (id, code, name) VALUES (1, 'ODA', '{"en":"Open Data Alliance"}')`,
		`INSERT INTO contacts (id, ref, name, agency_id, role) VALUES (1, 'cec-liaison', 'Liaison', 1, 'liaison')`,
		`INSERT INTO users (id, email, name, role, password_hash) VALUES (1, 'admin@example.org', 'Admin', 'admin', '$2a$10$x')`,
	} {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Migrate(ctx); err != nil || n != 1 {
		t.Fatalf("upgrade: applied %d, %v", n, err)
	}
	for _, table := range []string{"agencies", "organisations", "contacts", "users"} {
		var v int
		if err := s.db.Raw("SELECT version FROM " + table + " WHERE id = 1").Scan(&v).Error; err != nil || v != 1 {
			t.Errorf("%s: version %d, %v; want 1", table, v, err)
		}
	}
	a, err := s.FindAgencyByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	a.ShortName = model.T("en", "CEC")
	if err := s.UpdateAgency(ctx, a, 1); err != nil {
		t.Errorf("a write from version 1: %v", err)
	}
}

// The saves of drafts recorded before they were kept private become
// private; the entry of each submission stays public.
func TestDraftSavesRecordedBeforeBecomePrivate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(testdb.NewURL(t, "old.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	step := slices.IndexFunc(migrations, func(m *gormigrate.Migration) bool { return m.ID == "2026120201_private_draft_saves" })
	if step < 0 {
		t.Fatal("no step 2026120201_private_draft_saves")
	}
	if err := s.migrator(ctx, migrations[:step]).Migrate(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO changes (id, at, door, actor, entity, entity_id, ref, action, fields) VALUES
			(1, '2022-01-03 00:00:00', 'web', '林聯絡', 'report', 7, '2021H2 v1', 'created', '{"status":{"after":"draft"},"revision":{"after":1}}'),
			(2, '2022-01-04 00:00:00', 'web', '林聯絡', 'report', 7, '2021H2 v1', 'updated', '{"revision":{"before":1,"after":2}}'),
			(3, '2022-01-05 00:00:00', 'web', '林聯絡', 'report', 7, '2021H2 v1', 'updated', '{"status":{"before":"draft","after":"submitted"}}'),
			(4, '2022-01-05 00:00:00', 'web', '林聯絡', 'milestone', 3, '4', 'updated', '{"status":{"before":"not-started","after":"completed"}}')`,
	} {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := s.migrator(ctx, migrations).Migrate(); err != nil {
		t.Fatal(err)
	}
	got := map[uint]model.Entity{}
	var rows []model.Change
	if err := s.db.Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		got[r.ID] = r.Entity
	}
	want := map[uint]model.Entity{1: model.EntityReportDraft, 2: model.EntityReportDraft, 3: model.EntityReport, 4: model.EntityMilestone}
	for id, e := range want {
		if got[id] != e {
			t.Errorf("change %d: %s, want %s", id, got[id], e)
		}
	}
	if cs, total, err := s.FindChanges(ctx, ChangeFilter{}); err != nil || total != 2 || len(cs) != 2 {
		t.Errorf("public record: %d entries, %v", total, err)
	}
}

// A database from before progress times gains them from its record of
// changes: the statuses people reported through the forms and the API,
// and the reports submitted; never an import nor a correction.
func TestProgressTimesComeFromTheRecordOfChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(testdb.NewURL(t, "old.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := slices.IndexFunc(migrations, func(m *gormigrate.Migration) bool { return m.ID == "2026120410_progress_times" })
	if err := s.migrator(ctx, migrations[:before]).Migrate(); err != nil {
		t.Fatal(err)
	}
	change := func(at, door, entity string, id int, action, fields string) string {
		return `INSERT INTO changes (at, door, actor, entity, entity_id, ref, commitment_id, plan_id, action, fields) VALUES ('` +
			at + `', '` + door + `', 'someone', '` + entity + `', ` + strconv.Itoa(id) + `, 'x', 1, 1, '` + action + `', '` + fields + `')`
	}
	for _, q := range []string{
		`INSERT INTO plans (id, ref, jurisdiction, title, status) VALUES (1, 'OLD-1', '{"en":"Oldland"}', '{"en":"Old plan"}', 'implementation')`,
		`INSERT INTO commitments (id, ref, plan_id, code, title) VALUES (1, 'OLD-1/1', 1, '1', '{"en":"Reported on"}'), (2, 'OLD-1/2', 1, '2', '{"en":"Imported only"}')`,
		`INSERT INTO milestones (id, commitment_id, ref, position, title, status, weight) VALUES (1, 1, '1', 1, '{"en":"Reported"}', 'in-progress', 1),
			(2, 1, '2', 2, '{"en":"Corrected only"}', 'not-started', 1), (3, 2, '1', 1, '{"en":"Imported"}', 'in-progress', 1)`,
		change("2022-01-01 08:00:00+00:00", "import", "milestone", 1, "created", `{"status":{"after":"not-started"}}`),
		change("2022-03-01 10:00:00+00:00", "web", "milestone", 1, "updated", `{"status":{"before":"not-started","after":"in-progress"}}`),
		change("2022-04-01 10:00:00+00:00", "web", "milestone", 1, "updated", `{"title":{"before":"a","after":"b"}}`),
		change("2022-05-01 10:00:00+00:00", "web", "milestone", 2, "updated", `{"title":{"before":"a","after":"b"}}`),
		change("2022-06-01 10:00:00+00:00", "import", "milestone", 3, "updated", `{"status":{"before":"not-started","after":"in-progress"}}`),
		change("2022-07-01 10:00:00+00:00", "web", "report", 9, "updated", `{"status":{"before":"draft","after":"submitted"}}`),
	} {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Migrate(ctx); err != nil || n != len(migrations)-before {
		t.Fatalf("upgrade: applied %d, %v; want %d", n, err, len(migrations)-before)
	}
	ms, err := s.FindMilestones(ctx, []uint{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	want := map[uint]string{1: "2022-03-01T10:00:00Z", 2: "", 3: ""}
	for _, list := range ms {
		for _, m := range list {
			got := ""
			if m.ProgressAt != nil {
				got = m.ProgressAt.UTC().Format(time.RFC3339)
			}
			if got != want[m.ID] {
				t.Errorf("milestone %d: progress at %q, want %q", m.ID, got, want[m.ID])
			}
		}
	}
	for id, want := range map[uint]string{1: "2022-07-01T10:00:00Z", 2: ""} {
		c, err := s.FindCommitmentByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if c.ProgressAt != nil {
			got = c.ProgressAt.UTC().Format(time.RFC3339)
		}
		if got != want {
			t.Errorf("commitment %d: progress at %q, want %q", id, got, want)
		}
	}
}

// A database from before the terms of the search index finds its
// commitments by their words once upgraded: the index is filled anew.
func TestSearchTermsFillAnUpgradedDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(testdb.NewURL(t, "old.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := slices.IndexFunc(migrations, func(m *gormigrate.Migration) bool { return m.ID == "2026120500_search_terms" })
	if err := s.migrator(ctx, migrations[:before]).Migrate(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO plans (id, ref, jurisdiction, title, status) VALUES (1, 'OLD-1', '{"en":"Oldland"}', '{"en":"Old plan"}', 'implementation')`,
		`INSERT INTO commitments (id, ref, plan_id, code, title, description) VALUES
			(1, 'OLD-1/1', 1, '1', '{"en":"Open budgets","zh-TW":"開放預算"}', '{"en":"Every line."}'),
			(2, 'OLD-1/2', 1, '2', '{"en":"Lobbying register"}', '')`,
	} {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Migrate(ctx); err != nil || n != len(migrations)-before {
		t.Fatalf("upgrade: applied %d, %v; want %d", n, err, len(migrations)-before)
	}
	for q, want := range map[string]string{"BUDGET": "OLD-1/1", "line": "OLD-1/1", "預算": "OLD-1/1", "regist": "OLD-1/2", "2": "OLD-1/2"} {
		cs, err := s.FindCommitmentOutlines(ctx, CommitmentFilter{Query: q}, false)
		if err != nil || len(cs) != 1 || cs[0].Ref != want {
			t.Errorf("search %q: %+v, %v; want %s", q, cs, err, want)
		}
	}
}
