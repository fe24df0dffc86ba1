package app

import (
	"context"
	"net"
	"net/http"
)

// Answers to GET and HEAD leave in one transmission: net/http writes an
// answer larger than its 4 KB buffer in two writes, and over a fast
// network each write costs a transmission and a wake-up of the reader
// (on a kept plan page at 32 connections, a sixth of the requests a
// second). So the connection is corked (TCP_CORK, nginx's tcp_nopush)
// while such a request is answered, and uncorked when the answer is
// complete, which http.Server's ConnState tells (StateIdle); closing a
// connection sends what it holds too. Other methods are left alone: a
// "100 Continue" before an upload must leave at once.

type corkKey struct{}

// corkConnContext gives each request's context its connection.
func corkConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, corkKey{}, c)
}

// corkGets corks the connection of a GET or HEAD before h answers it.
func corkGets(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if c, ok := r.Context().Value(corkKey{}).(net.Conn); ok {
				setCork(c, true)
			}
		}
		h.ServeHTTP(w, r)
	})
}

// uncorkIdle sends what a corked connection holds once its answer is
// complete.
func uncorkIdle(c net.Conn, state http.ConnState) {
	if state == http.StateIdle {
		setCork(c, false)
	}
}
