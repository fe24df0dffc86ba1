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

// PageCacheSizeForTest is the memory the kept pages take, as the page
// cache's limit counts it.
func (s *Server) PageCacheSizeForTest() int64 { return s.pageCache.Size() }

// PageCacheHitsForTest counts the answers sent from kept pages.
func (s *Server) PageCacheHitsForTest() int64 { return s.pageCache.hits.Load() }

// HoldPageRendersForTest makes each render of a public page wait for
// hold to return; nil lets them run.
func (s *Server) HoldPageRendersForTest(hold func()) {
	if hold == nil {
		s.pageCache.renderHook.Store(nil)
		return
	}
	s.pageCache.renderHook.Store(&hold)
}
