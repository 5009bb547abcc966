package words

import "testing"

func TestContains(t *testing.T) {
	for _, tc := range []struct {
		text, needle string
		want         bool
	}{
		{"pay via Alipay.", "Alipay", true},
		{"ICBCX bank", "ICBC", false},
		{"打给ICBC客服", "ICBC", true},
		{"xICBC ICBC", "ICBC", true},
		{"", "ICBC", false},
		{"FTC1", "FTC", false},
	} {
		if got := Contains(tc.text, tc.needle); got != tc.want {
			t.Errorf("Contains(%q, %q) = %v, want %v", tc.text, tc.needle, got, tc.want)
		}
	}
}
