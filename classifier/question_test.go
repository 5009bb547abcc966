package classifier

import "testing"

func TestEndsAsQuestion(t *testing.T) {
	cases := []struct {
		turn string
		want bool
	}{
		{"需要我提供银行卡或者验证码吗", true},
		{"請問需要我先付保證金嗎？", true},
		{"Do I need to give you my card number?  ", true},
		{"你收咗未", true},
		{"先付保证金。", false},
		{"Send me the code", false},
		{"", false},
	}
	for _, c := range cases {
		if got := endsAsQuestion(c.turn); got != c.want {
			t.Errorf("endsAsQuestion(%q) = %v, want %v", c.turn, got, c.want)
		}
	}
}
