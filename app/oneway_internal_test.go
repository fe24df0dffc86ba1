package app

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countedConn counts the writes that reach the network.
type countedConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countedConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

type countedListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l countedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countedConn{c, l.writes}, nil
}

// serveHeld serves h as Serve does, on 127.0.0.1, and counts the writes
// that reach the network.
func serveHeld(t *testing.T, h http.Handler) (addr string, writes *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	writes = new(atomic.Int64)
	srv := heldAnswers(&http.Server{Handler: h, WriteTimeout: 10 * time.Second})
	go srv.Serve(holdingListener{countedListener{ln, writes}})
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), writes
}

// pattern is n bytes a page of that size could be.
func pattern(n int) []byte { return bytes.Repeat([]byte("0123456789abcdef"), n/16) }

// page answers a GET with size bytes written in pieces, as a template
// does, and a POST with the size of its body.
func page(size int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n, _ := io.Copy(io.Discard, r.Body)
			io.WriteString(w, strconv.FormatInt(n, 10))
			return
		}
		body := pattern(size)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		for len(body) > 0 {
			k := min(len(body), 1500)
			w.Write(body[:k])
			body = body[k:]
		}
	})
}

// get asks for path on conn and reads the whole answer.
func get(t *testing.T, conn net.Conn, r *bufio.Reader, method string) (*http.Response, []byte) {
	t.Helper()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, method+" /page HTTP/1.1\r\nHost: tracker\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(r, &http.Request{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestAnAnswerToAGetLeavesInOneWrite(t *testing.T) {
	const size = 20 << 10 // five times net/http's buffer
	addr, writes := serveHeld(t, page(size))
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	for i := range 3 { // one connection, kept alive
		before := writes.Load()
		resp, body := get(t, conn, r, http.MethodGet)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, pattern(size)) {
			t.Fatalf("answer %d: %s with %d bytes, want 200 with the %d bytes written", i, resp.Status, len(body), size)
		}
		if n := writes.Load() - before; n != 1 {
			t.Errorf("answer %d left in %d writes, want 1", i, n)
		}
	}
	before := writes.Load()
	resp, body := get(t, conn, r, http.MethodHead)
	if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.ContentLength != size {
		t.Errorf("HEAD: %s, %d bytes of body, length %d; want 200, none, %d", resp.Status, len(body), resp.ContentLength, size)
	}
	if n := writes.Load() - before; n != 1 {
		t.Errorf("HEAD left in %d writes, want 1", n)
	}
}

func TestALargeAnswerLeavesWhole(t *testing.T) {
	const size = 3 * maxHeld
	addr, writes := serveHeld(t, page(size))
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, body := get(t, conn, bufio.NewReader(conn), http.MethodGet)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, pattern(size)) {
		t.Fatalf("%s with %d bytes, want 200 with the %d bytes written", resp.Status, len(body), size)
	}
	if n := writes.Load(); n < 3 || n > 5 {
		t.Errorf("%d writes for %d KB, want about one per %d KB held", n, size>>10, maxHeld>>10)
	}
}

// A client that waits for "100 Continue" before it uploads must get it at
// once: only GET and HEAD are held.
func TestAnUploadIsToldToContinueAtOnce(t *testing.T) {
	addr, _ := serveHeld(t, page(1<<10))
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(conn, "POST /page HTTP/1.1\r\nHost: tracker\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	r := bufio.NewReader(conn)
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	line, err := r.ReadString('\n')
	if err != nil || !strings.Contains(line, "100 Continue") {
		t.Fatalf("before the upload: %q, %v; want 100 Continue", line, err)
	}
	r.ReadString('\n') // the blank line after it
	io.WriteString(conn, "hello")
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(r, &http.Request{Method: http.MethodPost})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "5" {
		t.Errorf("the upload answered %q, want its 5 bytes counted", body)
	}
}
