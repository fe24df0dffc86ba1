package store_test

import (
	"bytes"
	"context"
	"testing"
)

func TestServerSecretIsMadeOnceAndKept(t *testing.T) {
	t.Parallel()
	s, _ := openTestStore(t)
	ctx := context.Background()
	first, err := s.ServerSecret(ctx, "form_token")
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 32 || bytes.Equal(first, make([]byte, 32)) {
		t.Fatalf("secret %x: want 32 random bytes", first)
	}
	again, err := s.ServerSecret(ctx, "form_token")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Errorf("second read %x, first %x: the secret must be kept, not made anew", again, first)
	}
	other, err := s.ServerSecret(ctx, "another")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first, other) {
		t.Errorf("two names share the secret %x", first)
	}
}
