package web

import (
	"fmt"
	"strings"

	"github.com/ogptracker/ogptracker/app/i18n"
	"github.com/ogptracker/ogptracker/app/model"
	"github.com/ogptracker/ogptracker/app/store"
)

// The mail to someone who asked: the link that confirms their address,
// then the answer. Both go through the outbox (kind "asker", sent at once
// like account mail), to the address sealed (store.SealedPrefix), in the
// language the question was written in.

func (s *Server) askerTranslator(q *model.Question) *i18n.Translator {
	return s.catalog.Translator(s.catalog.Match(q.Lang), s.location)
}

// confirmMail writes the message with the link that confirms an asker's address.
func (s *Server) confirmMail() store.AskerMail {
	return func(q *model.Question, to, token string) model.OutboxMessage {
		t := s.askerTranslator(q).T
		subject := fmt.Sprintf("question:%d", q.ID)
		link := fmt.Sprintf("%s/questions/%d/confirm/%s", s.baseURL, q.ID, token)
		return model.OutboxMessage{Rule: "question-confirm", Subject: subject, Recipient: subject, Occurrence: q.ReceivedAt.UTC().Format("2006-01-02T15:04:05"),
			Kind: model.KindAsker, Channel: model.ChannelEmail, To: to, Lang: q.Lang, Title: t("question.mail.confirm.subject", "ID", q.ID),
			Text: t("question.mail.confirm.body", "ID", q.ID, "Link", link, "Question", excerpt(q.Text, 300))}
	}
}

// answerMail writes the message that brings an asker the answer, signed
// with the answering agency (nil: the secretariat), in the asker's language.
func (s *Server) answerMail(q *model.Question, e *model.QuestionEntry, by *model.Agency) model.OutboxMessage {
	tr := s.askerTranslator(q)
	t := tr.T
	agency := t("question.secretariat")
	if by != nil {
		agency = tr.Text(by.Name).Value
	}
	subject := fmt.Sprintf("question:%d", q.ID)
	link := fmt.Sprintf("%s/questions/%d", s.baseURL, q.ID)
	body := t("question.mail.answer.body", "ID", q.ID, "Question", excerpt(q.Text, 300), "Agency", agency,
		"Disposition", t("question.disposition."+string(e.Disposition)), "Answer", e.Body, "Reasons", e.Reasons, "Link", link)
	return model.OutboxMessage{Rule: "question-answer", Subject: subject, Recipient: subject, Occurrence: e.At.UTC().Format("2006-01-02T15:04:05.000"),
		Kind: model.KindAsker, Channel: model.ChannelEmail, Lang: q.Lang, Title: t("question.mail.answer.subject", "ID", q.ID), Text: body}
}

// excerpt cuts a text to n characters at most.
func excerpt(v string, n int) string {
	v = strings.TrimSpace(v)
	if r := []rune(v); len(r) > n {
		return string(r[:n]) + "…"
	}
	return v
}
