package demo

import (
	"crypto/rand"

	"github.com/ogptracker/ogptracker/app/model"
)

// Account is a demo account: one per role, so that every part of the
// tracker can be tried, and a liaison for each agency whose milestones
// fall due at the end of 2021, so that reminders have someone to reach. Its password is made afresh for each database and
// shown once, when the demo plan is first loaded.
type Account struct {
	Email, Name string
	Role        model.Role
	Agency      string // agency code, for the liaison
	Password    string
}

// Accounts returns the demo accounts with new random passwords.
func Accounts() []Account {
	return []Account{
		{Email: "admin@demo.example.org", Name: "示範秘書處管理者 (demo administrator)", Role: model.RoleAdmin, Password: rand.Text()},
		{Email: "committee@demo.example.org", Name: "示範委員 (demo committee member)", Role: model.RoleCommittee, Password: rand.Text()},
		{Email: "cec.liaison@demo.example.org", Name: "中選會示範聯絡人 (demo liaison, CEC)", Role: model.RoleLiaison, Agency: "CEC", Password: rand.Text()},
		{Email: "ndc.liaison@demo.example.org", Name: "國發會示範聯絡人 (demo liaison, NDC)", Role: model.RoleLiaison, Agency: "NDC", Password: rand.Text()},
		{Email: "moe.liaison@demo.example.org", Name: "教育部示範聯絡人 (demo liaison, MOE)", Role: model.RoleLiaison, Agency: "MOE", Password: rand.Text()},
		{Email: "mol.liaison@demo.example.org", Name: "勞動部示範聯絡人 (demo liaison, MOL)", Role: model.RoleLiaison, Agency: "MOL", Password: rand.Text()},
		{Email: "hac.liaison@demo.example.org", Name: "客委會示範聯絡人 (demo liaison, HAC)", Role: model.RoleLiaison, Agency: "HAC", Password: rand.Text()},
		{Email: "moi.liaison@demo.example.org", Name: "內政部示範聯絡人 (demo liaison, MOI)", Role: model.RoleLiaison, Agency: "MOI", Password: rand.Text()},
	}
}
