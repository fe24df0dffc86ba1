// Package mail delivers the tracker's email over SMTP, with
// github.com/wneessen/go-mail (maintained, STARTTLS and implicit TLS, SMTP
// AUTH, RFC 8058 headers, per-message send errors that tell a temporary
// failure from a permanent one).
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email to one person: plain text, and HTML when given.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string // optional alternative
	// ID becomes the Message-ID (<ID@host of From>), so that a message
	// handed over twice is recognised as one by the mail systems that
	// deduplicate on it. Empty: a random one.
	ID string
	// Unsubscribe is the link that stops this kind of message; it is
	// advertised in List-Unsubscribe, with List-Unsubscribe-Post for
	// RFC 8058 one-click when it is https.
	Unsubscribe string
}

// Mailer sends through one SMTP server.
type Mailer struct {
	host     string
	port     int
	ssl      bool
	user     string
	password string
	from     string
	timeout  time.Duration
}

// ErrBadURL is returned for an SMTP_URL that cannot be used.
var ErrBadURL = errors.New("SMTP_URL")

// New reads smtpURL (smtp://user:pass@host:port, STARTTLS when the server
// offers it; smtps://…, implicit TLS) and the sender address from.
func New(smtpURL, from string) (*Mailer, error) {
	u, err := url.Parse(smtpURL)
	if err != nil {
		return nil, fmt.Errorf("%w: not a URL", ErrBadURL) // never echo it: it holds a password
	}
	m := &Mailer{host: u.Hostname(), from: from, timeout: 30 * time.Second}
	switch u.Scheme {
	case "smtp":
		m.port = 587
	case "smtps":
		m.port, m.ssl = 465, true
	default:
		return nil, fmt.Errorf("%w: scheme %q (use smtp:// or smtps://)", ErrBadURL, u.Scheme)
	}
	if m.host == "" {
		return nil, fmt.Errorf("%w: names no host", ErrBadURL)
	}
	if p := u.Port(); p != "" {
		if m.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("%w: port %q", ErrBadURL, p)
		}
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.password, _ = u.User.Password()
	}
	if m.from == "" {
		m.from = "ogptracker@" + m.host
	}
	if err := gomail.NewMsg().From(m.from); err != nil {
		return nil, fmt.Errorf("MAIL_FROM: %q is not an address", m.from)
	}
	return m, nil
}

// Address is host:port of the server, for logs.
func (m *Mailer) Address() string { return m.host + ":" + strconv.Itoa(m.port) }

func (m *Mailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(m.port), gomail.WithTimeout(m.timeout)}
	if m.ssl {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if m.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(m.user), gomail.WithPassword(m.password))
	}
	return gomail.NewClient(m.host, opts...)
}

// ConnError is a failure to reach or talk to the server: nothing was sent,
// and every message may be tried again later.
type ConnError struct{ Err error }

func (e *ConnError) Error() string { return "smtp: " + e.Err.Error() }
func (e *ConnError) Unwrap() error { return e.Err }

// SendError is the failure of one message: Permanent when the server
// refused it for good (an unknown mailbox), so that trying again is useless.
type SendError struct {
	Err       error
	Permanent bool
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// Conn is one connection to the server, over which messages go one at a
// time: a caller records each acceptance before handing over the next, so
// that a crash repeats at most the message in flight.
type Conn struct {
	m *Mailer
	c *gomail.Client
}

// Dial connects to the server. It returns a *ConnError when the server
// cannot be reached: nothing was sent, and everything may be tried later.
func (m *Mailer) Dial(ctx context.Context) (*Conn, error) {
	c, err := m.client()
	if err != nil {
		return nil, &ConnError{Err: err}
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, &ConnError{Err: err}
	}
	return &Conn{m: m, c: c}, nil
}

// Send hands one message to the server and returns when the server has
// accepted it (nil) or refused it (a *SendError).
func (c *Conn) Send(msg Message) error {
	_, err := c.send(msg)
	return err
}

// send is Send that also gives the server's answer to the message, such
// as "250 2.0.0 OK: queued as 4F1A2".
func (c *Conn) send(msg Message) (reply string, err error) {
	b, err := c.m.build(msg)
	if err != nil {
		return "", &SendError{Err: err, Permanent: true}
	}
	if err := c.c.Send(b); err != nil {
		// Permanent only when the server said so (5xx): a connection lost
		// mid-batch is worth another try.
		var se *gomail.SendError
		return "", &SendError{Err: err, Permanent: errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600}
	}
	// The server answers the end of the data with 250 when it takes the
	// message; go-mail keeps the text after the code.
	return strings.TrimSpace("250 " + b.ServerResponse()), nil
}

// Close ends the connection politely (QUIT).
func (c *Conn) Close() error { return c.c.Close() }

// SendOne delivers one message over a connection of its own.
func (m *Mailer) SendOne(ctx context.Context, msg Message) error {
	_, err := m.SendOneReply(ctx, msg)
	return err
}

// SendOneReply is SendOne that also gives what the server answered when
// it accepted the message: a test of the mail settings shows it.
func (m *Mailer) SendOneReply(ctx context.Context, msg Message) (reply string, err error) {
	c, err := m.Dial(ctx)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return c.send(msg)
}

func (m *Mailer) build(msg Message) (*gomail.Msg, error) {
	b := gomail.NewMsg()
	if err := b.From(m.from); err != nil {
		return nil, err
	}
	if err := b.To(msg.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", msg.To, err)
	}
	b.Subject(msg.Subject)
	b.SetDate()
	if msg.ID != "" {
		host := m.from[strings.LastIndex(m.from, "@")+1:]
		b.SetMessageIDWithValue(msg.ID + "@" + strings.TrimSuffix(host, ">"))
	} else {
		b.SetMessageID()
	}
	if msg.Unsubscribe != "" {
		if strings.HasPrefix(msg.Unsubscribe, "https://") {
			if err := b.SetListUnsubscribeOneClick(msg.Unsubscribe); err != nil {
				return nil, err
			}
		} else {
			// RFC 8058 one-click asks for https; over http (a laptop) the
			// link is still advertised, and the POST works the same.
			b.SetListUnsubscribe(msg.Unsubscribe)
			b.SetListUnsubscribePost()
		}
	}
	b.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		b.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	return b, nil
}
