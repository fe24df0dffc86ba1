package web

import "context"

// FillHeavyForTest takes n places of the bound on expensive requests, as n
// such requests being served would, until release is called: a test can
// fill the bound without depending on how long a request takes.
func (s *Server) FillHeavyForTest(n int) (release func()) {
	if err := s.bound.sem.Acquire(context.Background(), int64(n)); err != nil {
		panic(err)
	}
	return func() { s.bound.sem.Release(int64(n)) }
}
