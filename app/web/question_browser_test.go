package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ogptracker/ogptracker/app/mail"
	"github.com/ogptracker/ogptracker/app/mail/mailtest"
	"github.com/ogptracker/ogptracker/app/remind"
)

// A question's whole life in real browsers, each person in a browser of
// their own: an anonymous visitor asks on a commitment and confirms their
// address, a second visitor adds their voice, the lead agency's liaison
// finds it on My work with the days left and answers "partly adopted"
// with reasons; the public page shows the answer and "answered in 3
// days"; the asker receives the answer over real SMTP. Every page and
// form passes axe in both languages, wide and at 320 px, without
// JavaScript doing any of the work.
func TestAQuestionIsAskedVotedOnAndAnsweredInABrowser(t *testing.T) {
	browser(t)
	site := newEditSite(t)
	smtp := mailtest.Start(t)
	m, err := mail.New(smtp.URL(), "tracker@example.test")
	if err != nil {
		t.Fatal(err)
	}
	rem, err := remind.New(remind.Options{Store: site.st, Mailer: m, Location: taipei, BaseURL: site.baseURL,
		Logger: slog.New(slog.NewTextHandler(&site.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	send := func() {
		t.Helper()
		if _, err := rem.SendAccountMail(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	commitment := fmt.Sprintf("/commitments/%d", site.commitmentID)
	const asker = "asker@example.org"

	// The asker finds the form from the commitment's page, and asks.
	a := openTab(t, site.srv)
	a.viewport(1280, 900)
	a.visit(commitment+"?lang=en", 200)
	a.click(fmt.Sprintf(`//a[@href="%s/questions/new"]`, commitment))
	a.do(chromedp.SendKeys(chromedp.CSS("#question-text"), "When will the e-petition system accept signatures from abroad?"),
		chromedp.SendKeys(chromedp.CSS("#question-name"), "Mei-Ling"),
		chromedp.SendKeys(chromedp.CSS("#question-email"), asker))
	a.click(`//form[contains(@class, "question-form")]//button[@type="submit"]`)
	text := a.mainText()
	for _, want := range []string{"Your question is published", "When will the e-petition system accept signatures from abroad?", "Mei-Ling", "14 days left", "1 person wants to know"} {
		if !strings.Contains(text, want) {
			t.Errorf("the asker's page lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, asker) {
		t.Error("the question page shows the asker's address")
	}
	qs := site.questions()
	if len(qs) != 1 {
		t.Fatalf("%d questions stored", len(qs))
	}
	qpath := fmt.Sprintf("/questions/%d", qs[0].ID)

	// The address is confirmed by the link mailed to it; nothing else is
	// sent to it before.
	send()
	mails := smtp.To(asker)
	if len(mails) != 1 || !strings.Contains(mails[0].Header("Subject"), "Confirm your address") {
		t.Fatalf("the asker received %d mails, first %q", len(mails), firstSubjectOf(mails))
	}
	link := regexp.MustCompile(regexp.QuoteMeta(site.baseURL) + `(/questions/\d+/confirm/[A-Z2-7]+)`).FindStringSubmatch(mails[0].Text())
	if link == nil {
		t.Fatalf("the confirmation has no link:\n%s", mails[0].Text())
	}
	a.visit(link[1], 200)
	a.checkAxe("the confirmation page")
	a.click(`//form//button[@type="submit"]`)
	if text := a.mainText(); !strings.Contains(text, "the answer will be sent to your address") {
		t.Errorf("the confirmation did not confirm:\n%s", text)
	}

	// A second visitor wants to know too.
	v := openTab(t, site.srv)
	v.viewport(1280, 900)
	v.visit(qpath+"?lang=en", 200)
	v.click(fmt.Sprintf(`//form[@action="%s/vote"]//button`, qpath))
	if text := v.mainText(); !strings.Contains(text, "2 people want to know") || !strings.Contains(text, "You added your voice") {
		t.Errorf("the vote is not counted:\n%s", text)
	}

	// Three days later the liaison of the Central Election Commission, the
	// commitment's lead agency, finds it on My work and answers.
	site.clock.Advance(3 * 24 * time.Hour)
	l := openTab(t, site.srv)
	l.viewport(1280, 900)
	l.visit("/?lang=en", 200)
	l.signInAs("liaison@cec.example.org")
	l.visit("/me", 200)
	if text := l.mainText(); !strings.Contains(text, "1 question from the public waiting for your answer") || !strings.Contains(text, "11 days left") {
		t.Errorf("My work does not show the question with its days left:\n%s", text)
	}
	l.click(fmt.Sprintf(`//a[@href="%s#answer"]`, qpath))
	l.do(chromedp.Click(`//input[@name="disposition"][@value="partly-adopted"]`),
		chromedp.SendKeys(chromedp.CSS("#answer-body"), "Signatures from abroad will be accepted **from June**, with a passport number."),
		chromedp.SendKeys(chromedp.CSS("#answer-reasons"), "Identity checks abroad need the consular database; home-address checks stay as they are."))
	l.click(fmt.Sprintf(`//form[@action="%s/answer"]//button[@type="submit"]`, qpath))

	// The public page shows the answer, signed, and the days it took.
	p := openTab(t, site.srv)
	p.viewport(1280, 900)
	p.visit(qpath+"?lang=en", 200)
	text = p.mainText()
	for _, want := range []string{"partly adopted", "answered in 3 days", "Signatures from abroad will be accepted from June", "Identity checks abroad",
		"Central Election Commission", "Agency liaison"} {
		if !strings.Contains(text, want) {
			t.Errorf("the public question page lacks %q:\n%s", want, text)
		}
	}
	if strong := eval[string](p, `document.querySelector('.question-entry .markdown strong').textContent`); strong != "from June" {
		t.Errorf("the answer's Markdown is not rendered: %q", strong)
	}
	p.visit(commitment+"?lang=en", 200)
	if text := p.mainText(); !strings.Contains(text, "answered in 3 days") || !strings.Contains(text, "1 answered") {
		t.Errorf("the commitment page does not show the answer's clock:\n%s", text)
	}

	// The asker receives the answer at the confirmed address.
	send()
	mails = smtp.To(asker)
	if len(mails) != 2 || !strings.Contains(mails[1].Header("Subject"), "has an answer") {
		t.Fatalf("the asker received %d mails, want the confirmation and the answer", len(mails))
	}
	if body := mails[1].Text(); !strings.Contains(body, "partly adopted") || !strings.Contains(body, "Identity checks abroad") || !strings.Contains(body, qpath) || !strings.Contains(body, "Central Election Commission answered") {
		t.Errorf("the answer's mail:\n%s", body)
	}

	// Every page of the way, in every language, wide and at 320 px, each
	// page in a tab of its own (a tab lives a minute), side by side: they
	// only read.
	open := openQuestion(t, site)
	pages := []struct{ who, path string }{
		{"", commitment + "/questions/new"},
		{"", qpath},
		{"", open},
		{"", commitment},
		{"liaison@cec.example.org", "/me"},
		{"liaison@cec.example.org", open},       // with the answer form
		{"admin@secretariat.example.org", open}, // with the form that hides
		{"admin@secretariat.example.org", fmt.Sprintf("/plans/%d/questions/new", qs[0].PlanID)}, // with the fields of a question received offline
	}
	for _, pg := range pages {
		name := pg.path
		if pg.who != "" {
			name = pg.path + " as " + pg.who
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := openTab(t, site.srv) // one tab for every language (tab.run)
			if pg.who != "" {
				tb.signInAs(pg.who)
			}
			for _, lang := range languages {
				tb.run(lang, func(t *testing.T) {
					tb.checkPage(withLang(pg.path, lang), lang)
				})
			}
		})
	}
}

// openQuestion asks a new question on 2-1 and returns its path.
func openQuestion(t *testing.T, site *editSite) string {
	t.Helper()
	b := site.visitor()
	res, _ := b.ask(fmt.Sprintf("/commitments/%d", site.commitmentID), nil)
	return fmt.Sprintf("/questions/%d", questionID(t, res))
}

func firstSubjectOf(ms []mailtest.Message) string {
	if len(ms) == 0 {
		return ""
	}
	return ms[0].Header("Subject")
}
