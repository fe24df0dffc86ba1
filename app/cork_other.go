//go:build !linux

package app

import "net"

// setCork does nothing where TCP_CORK is not known: an answer larger than
// net/http's buffer then leaves in two transmissions.
func setCork(net.Conn, bool) {}
