package demo

import (
	"strings"

	"github.com/ogptracker/ogptracker/app/model"
)

// Demo organisations and contacts are made up and say so in their names;
// every address is at example.org. Built afresh for each dataset, so that
// a caller changing its dataset does not change the next one.
func organisations() []model.OrganisationRecord {
	return []model.OrganisationRecord{
		{Code: "DEMO-CIVICTECH", Name: model.T("zh-TW", "示範公民科技協會（示範）", "en", "Demo Civic Tech Association (demo)"), URL: "https://civictech.example.org"},
		{Code: "DEMO-OPENDATA", Name: model.T("zh-TW", "示範開放資料聯盟（示範）", "en", "Demo Open Data Alliance (demo)"), URL: "https://opendata.example.org"},
	}
}

// coLeads names the demo organisation that co-leads each commitment with data.
var coLeads = map[string]string{
	"1-1": "DEMO-OPENDATA", "2-1": "DEMO-CIVICTECH", "2-2": "DEMO-CIVICTECH", "2-3": "DEMO-OPENDATA",
	"2-4": "DEMO-CIVICTECH", "3-4": "DEMO-OPENDATA", "4-1": "DEMO-CIVICTECH",
}

func addPeople(ds *model.Dataset, plan *model.PlanRecord) {
	ds.Organisations = organisations()
	for i := range plan.Commitments {
		if org := coLeads[plan.Commitments[i].Code]; org != "" {
			plan.Commitments[i].CoLeads = []string{org}
		}
	}
	from := model.MustDate("2021-01-01")
	for _, a := range agencies {
		if a.code == "EY" || a.code == "EY-ALL" || a.code == "ALL" {
			continue
		}
		short := a.shortEN
		if short == "" {
			short = a.code
		}
		mail := strings.ToLower(a.code)
		ds.Contacts = append(ds.Contacts,
			model.ContactRecord{Ref: "demo-" + mail + "-liaison", Name: a.zh + "示範聯絡人 (demo liaison, " + short + ")",
				Agency: a.code, Role: model.ContactLiaison, Email: mail + ".liaison@example.org", Phone: "+886-2-0000-0000",
				ActiveFrom: from, Public: true, Demo: true},
			model.ContactRecord{Ref: "demo-" + mail + "-deputy", Name: a.zh + "示範代理人 (demo deputy, " + short + ")",
				Agency: a.code, Role: model.ContactDeputy, Email: mail + ".deputy@example.org",
				ActiveFrom: from, Demo: true})
	}
	// A liaison handover, so the history of a role can be seen.
	for i := range ds.Contacts {
		if ds.Contacts[i].Ref == "demo-ndc-liaison" {
			ds.Contacts[i].ActiveFrom = model.MustDate("2022-07-01")
		}
	}
	ds.Contacts = append(ds.Contacts,
		model.ContactRecord{Ref: "demo-ndc-liaison-2021", Name: "國發會前任示範聯絡人 (former demo liaison, NDC)", Agency: "NDC",
			Role: model.ContactLiaison, Email: "ndc.former-liaison@example.org", ActiveFrom: from,
			ActiveTo: model.MustDate("2022-06-30"), Demo: true},
		model.ContactRecord{Ref: "demo-civictech-rep", Name: "公民科技示範代表 (demo representative, Civic Tech)", Organisation: "DEMO-CIVICTECH",
			Role: model.ContactCivilSociety, Email: "rep@civictech.example.org", ActiveFrom: from, Public: true, Demo: true},
		model.ContactRecord{Ref: "demo-opendata-rep", Name: "開放資料示範代表 (demo representative, Open Data)", Organisation: "DEMO-OPENDATA",
			Role: model.ContactCivilSociety, Email: "rep@opendata.example.org", ActiveFrom: from, Public: true, Demo: true},
		model.ContactRecord{Ref: "demo-committee-chair", Name: "示範委員會主席 (demo committee chair)",
			Role: model.ContactCommitteeChair, Email: "chair@example.org", ActiveFrom: from, Demo: true},
	)
}
