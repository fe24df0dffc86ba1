package demo

import (
	"crypto/rand"

	"github.com/ogptracker/ogptracker/app/model"
)

// Account is a demo account: one for each role the demo's stories need —
// the chair, who administers the tracker; a civil-society co-lead, who
// reviews reports; the liaisons of the agencies with open items (the task
// force's tracked follow-ups, the made-up plan's reports and questions)
// and of the agencies whose milestones fall due, so that reminders have
// someone to reach. Its password is made afresh for each database and
// shown once, when the demo is first loaded.
type Account struct {
	Email, Name  string
	Role         model.Role
	Agency       string // agency code, for the liaison
	Organisation string // organisation code, for a civil-society member
	Chair        bool   // the committee's chair, whom late work reaches last
	Password     string
	Try          string // what a newcomer can try with it, for the README and the first start's log
}

// The accounts the made-up activity is done by.
const (
	Administrator = "admin@demo.example.org"
	CoLeadMember  = "colead@demo.example.org"
	BureauLiaison = "bureau.liaison@demo.example.org"
)

// Accounts returns the demo accounts with new random passwords.
func Accounts() []Account {
	return []Account{
		{Email: Administrator, Name: "示範秘書處管理者 (demo administrator, secretariat)", Role: model.RoleAdmin, Password: rand.Text(),
			Try: "answer the waiting question on the made-up plan; /admin"},
		{Email: "committee@demo.example.org", Name: "示範委員會主席 (demo committee chair)", Role: model.RoleCommittee, Chair: true, Password: rand.Text(),
			Try: "review the report awaiting review on the made-up plan"},
		{Email: CoLeadMember, Name: "示範公民團體共同主責 (demo civil-society co-lead)", Role: model.RoleCommittee, Organisation: "DEMO-CIVICTECH", Password: rand.Text(),
			Try: "read your dissent and the agency's answer on the made-up plan's commitment 1"},
		{Email: BureauLiaison, Name: "虛構機關示範聯絡人 (demo liaison of the made-up bureau)", Role: model.RoleLiaison, Agency: IllustrativeAgency, Password: rand.Text(),
			Try: "/me: the milestones due next month; draft this period's report"},
		{Email: "cec.liaison@demo.example.org", Name: "中選會示範聯絡人 (demo liaison, CEC)", Role: model.RoleLiaison, Agency: "CEC", Password: rand.Text(),
			Try: "note progress on the tracked follow-up item on the e-petition system"},
		{Email: "ndc.liaison@demo.example.org", Name: "國發會示範聯絡人 (demo liaison, NDC)", Role: model.RoleLiaison, Agency: "NDC", Password: rand.Text(),
			Try: "note progress on the two tracked follow-up items of the NDC"},
		{Email: "moj.liaison@demo.example.org", Name: "法務部示範聯絡人 (demo liaison, MOJ)", Role: model.RoleLiaison, Agency: "MOJ", Password: rand.Text(),
			Try: "note progress on the tracked follow-up item on procurement data"},
		{Email: "moe.liaison@demo.example.org", Name: "教育部示範聯絡人 (demo liaison, MOE)", Role: model.RoleLiaison, Agency: "MOE", Password: rand.Text()},
		{Email: "mol.liaison@demo.example.org", Name: "勞動部示範聯絡人 (demo liaison, MOL)", Role: model.RoleLiaison, Agency: "MOL", Password: rand.Text()},
		{Email: "hac.liaison@demo.example.org", Name: "客委會示範聯絡人 (demo liaison, HAC)", Role: model.RoleLiaison, Agency: "HAC", Password: rand.Text()},
		{Email: "moi.liaison@demo.example.org", Name: "內政部示範聯絡人 (demo liaison, MOI)", Role: model.RoleLiaison, Agency: "MOI", Password: rand.Text()},
	}
}
