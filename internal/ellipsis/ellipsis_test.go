package ellipsis

import "testing"

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		n        int
		want     string
	}{
		{"short enough", "abc", 3, "abc"},
		{"one over", "abcd", 3, "ab…"},
		{"runes, not bytes", "礼品卡卡密", 4, "礼品卡…"},
		{"empty", "", 0, ""},
		{"limit one", "abc", 1, "…"},
		{"limit zero", "abc", 0, "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Cut(tc.in, tc.n); got != tc.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
		})
	}
}
