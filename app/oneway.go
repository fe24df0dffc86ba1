package app

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"
)

// An answer to a GET or HEAD leaves in one write. net/http writes an answer
// larger than its 4 KB buffer in two writes, and over a fast network each
// write costs a system call, a transmission and a wake-up of the reader.
// So the connection holds what is written for such an answer and sends it
// all once the answer is complete, which http.Server's ConnState tells
// (StateIdle). Holding it here costs a copy; corking the socket instead
// (TCP_CORK) cost two more system calls per answer, a third of the CPU of
// a kept page. Other methods are left alone: a "100 Continue" before an
// upload must leave at once. Nothing streams its answers (a handler's
// Flush would be held until the end); past maxHeld bytes, what is held
// leaves with the next write.

// maxHeld bounds what one connection holds: larger answers leave in writes
// of about this size.
const maxHeld = 256 << 10

// heldBuffers are reused between answers, so an idle connection holds none.
var heldBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// heldConn is an accepted connection that can hold an answer's writes.
type heldConn struct {
	net.Conn
	mu      sync.Mutex // Close may come from the server's Shutdown
	holding bool
	held    *[]byte
}

// holdingListener gives each accepted connection the means to hold.
type holdingListener struct{ net.Listener }

func (l holdingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &heldConn{Conn: c}, nil
}

func (c *heldConn) hold() {
	c.mu.Lock()
	c.holding = true
	c.mu.Unlock()
}

func (c *heldConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.holding {
		return c.Conn.Write(p)
	}
	if c.held == nil {
		c.held = heldBuffers.Get().(*[]byte)
	}
	if len(*c.held)+len(p) > maxHeld {
		bufs := net.Buffers{*c.held, p} // one writev
		_, err := bufs.WriteTo(c.Conn)
		*c.held = (*c.held)[:0]
		return len(p), err
	}
	*c.held = append(*c.held, p...)
	return len(p), nil
}

// send writes what is held and stops holding.
func (c *heldConn) send() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.holding = false
	if c.held == nil {
		return nil
	}
	b := c.held
	c.held = nil
	var err error
	if len(*b) > 0 {
		_, err = c.Conn.Write(*b)
	}
	if cap(*b) <= maxHeld {
		*b = (*b)[:0]
		heldBuffers.Put(b)
	}
	return err
}

// SetWriteDeadline: net/http clears the write deadline as soon as an answer
// is complete, before ConnState; what is held leaves first, within the
// answer's deadline rather than none.
func (c *heldConn) SetWriteDeadline(t time.Time) error {
	if t.IsZero() {
		if err := c.send(); err != nil {
			c.Conn.Close() // the client is gone; the next read ends the connection
		}
	}
	return c.Conn.SetWriteDeadline(t)
}

// CloseWrite lets net/http half-close a connection whose upload it refused
// unread, so that the client reads the refusal rather than a reset.
func (c *heldConn) CloseWrite() error {
	c.send()
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *heldConn) Close() error {
	c.send() // what an answer left is sent before the close, as the kernel would
	return c.Conn.Close()
}

// heldAnswers sets srv up to send each answer to a GET or HEAD in one
// write, when it serves a holdingListener.
func heldAnswers(srv *http.Server) *http.Server {
	srv.Handler = holdGets(srv.Handler)
	srv.ConnContext = heldConnContext
	srv.ConnState = sendWhenIdle
	return srv
}

type heldConnKey struct{}

// heldConnContext gives each request's context its connection.
func heldConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, heldConnKey{}, c)
}

// holdGets makes the connection of a GET or HEAD hold its answer.
func holdGets(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.Header.Get("Expect") == "" {
			if c, ok := r.Context().Value(heldConnKey{}).(*heldConn); ok {
				c.hold()
			}
		}
		h.ServeHTTP(w, r)
	})
}

// sendWhenIdle sends a connection's held answer once it is complete, if
// clearing the deadline has not already.
func sendWhenIdle(c net.Conn, state http.ConnState) {
	if hc, ok := c.(*heldConn); ok && state == http.StateIdle {
		if err := hc.send(); err != nil {
			hc.Conn.Close() // the client is gone; its next read ends the connection
		}
	}
}
