package app

import (
	"net"
	"net/http"
	"syscall"
)

// corkAnswers holds back a connection's partial frames while a request is
// answered, and sends what is held when the answer is complete: net/http
// writes an answer larger than its 4 KB buffer in two writes, and over a
// fast network each write costs a transmission and a wake-up of the
// reader; corked, an answer leaves in one (nginx's tcp_nopush). ConnState
// tells when an answer begins (StateActive) and ends (StateIdle); closing
// a connection sends what it holds, and Linux sends it anyway after 200 ms.
func corkAnswers(c net.Conn, state http.ConnState) {
	switch state {
	case http.StateActive:
		setCork(c, 1)
	case http.StateIdle:
		setCork(c, 0)
	}
}

func setCork(c net.Conn, on int) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	raw.Control(func(fd uintptr) {
		syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CORK, on)
	})
}
