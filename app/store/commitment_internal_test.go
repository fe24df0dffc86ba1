package store

import (
	"slices"
	"testing"
)

func TestCompareCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want []string
	}{
		{[]string{"10-1", "2-10", "3-1", "2-2", "2-1", "1-1"}, []string{"1-1", "2-1", "2-2", "2-10", "3-1", "10-1"}},
		{[]string{"1.10", "1.2", "1.1", "2"}, []string{"1.1", "1.2", "1.10", "2"}},
		{[]string{"AL0010", "AL0002", "AL0009", "AK0100"}, []string{"AK0100", "AL0002", "AL0009", "AL0010"}},
		{[]string{"2-1b", "2-1a", "2-1", "2-10"}, []string{"2-1", "2-1a", "2-1b", "2-10"}},
	}
	for _, tt := range tests {
		got := slices.Clone(tt.in)
		slices.SortFunc(got, compareCodes)
		if !slices.Equal(got, tt.want) {
			t.Errorf("sorted %v: %v, want %v", tt.in, got, tt.want)
		}
	}
}
