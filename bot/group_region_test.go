package bot_test

import (
	"strings"
	"testing"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// TestGroupPoliceWarningShowsTheGroupsRegion: a "police officer" asking
// for a "safe account", posted in family groups whose members' Telegram
// speaks for Hong Kong, Taiwan, the UK or only Traditional Chinese, is
// warned without mainland banks or their numbers (工商银行95588, 建设银行
// 95533): the group warning follows the rule of a private reply. A mainland
// group still gets the mainland anti-fraud line.
func TestGroupPoliceWarningShowsTheGroupsRegion(t *testing.T) {
	t.Parallel()
	mainland := []string{"95588", "95533", "工商", "建设", "建設"}
	for i, tc := range []struct {
		lang        string
		never, want []string
	}{
		{"zh-hk", mainland, []string{"18222"}},
		{"zh-tw", mainland, []string{"165"}},
		{"en-gb", mainland, []string{"159"}},
		{"zh-hant", append(mainland, "96110"), nil}, // Taiwan or Hong Kong: no region's lines
		{"zh-hans", nil, []string{"96110"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Parallel()
			j := newJourney(t, -1001700000000-int64(i), tc.lang)
			j.groupSays(telegramtest.User(701, "Dad"), policeScam, 1)
			sent := j.h.api.Calls("sendMessage")
			got := sent[len(sent)-1].Params["text"]
			contains(t, got, tc.want...)
			for _, bad := range tc.never {
				if strings.Contains(got, bad) {
					t.Errorf("the warning shows %q:\n%s", bad, got)
				}
			}
		})
	}
}
