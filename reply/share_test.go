package reply

import (
	"strings"
	"testing"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
)

// TestShareCard: the card a user forwards to their family names the scam
// and what comes next, in their language, with their region's official
// channels, and carries nothing of the conversation — no quote, no name, no
// number the other party gave.
func TestShareCard(t *testing.T) {
	r, _ := newRenderer(t)
	personal := []classifier.Hit{
		hit("zh_pre_refund", classifier.RolePretext, "王先生您的订单尾号3307丢件"),
		hit("zh_mm_gift_card", classifier.RoleMoneyMove, "用当当账号13812345678买礼品卡"),
	}
	refund := classifier.Verdict{Level: classifier.LevelScam, Type: "ecommerce_logistics_refund", Stage: catalog.StagePivot, Language: LangZh, Brand: "cn_taobao_tmall", Signals: personal}
	tests := []struct {
		name  string
		v     classifier.Verdict
		opts  Options
		want  []string
		never []string
	}{
		{"mainland", refund, Options{Region: "CN", RegionFinal: true},
			[]string{"提醒家人", "冒充电商物流客服", "他们接下来会", "96110", "转发给家人"}, []string{"王先生", "3307", "13812345678", "当当账号"}},
		{"Hong Kong, Traditional", refund, Options{Lang: "zh-HK", Region: "HK", RegionFinal: true},
			[]string{"提醒家人", "18222"}, []string{"96110", "淘寶", "淘宝", "3307"}},
		{"English, no region", classifier.Verdict{Level: classifier.LevelScam, Type: "bank_impersonation_safe_account", Stage: catalog.StagePivot, Language: LangEn},
			Options{RegionFinal: true}, []string{"A warning for the family", "safe account", "back of your card"}, []string{"95588", "159", "ICBC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []Format{Plain, HTML} {
				got := r.ShareCard(tt.v, tt.opts, format).Text
				for _, w := range tt.want {
					if !strings.Contains(got, w) {
						t.Errorf("the card lacks %q:\n%s", w, got)
					}
				}
				for _, bad := range tt.never {
					if strings.Contains(got, bad) {
						t.Errorf("the card shows %q:\n%s", bad, got)
					}
				}
				if lines := phoneLines(got); format == Plain && lines > 24 {
					t.Errorf("the card takes %d phone lines, want at most 24 (a phone screen and a half):\n%s", lines, got)
				}
			}
		})
	}
	for _, level := range []classifier.Level{classifier.LevelSuspicious, classifier.LevelNone} {
		v := refund
		v.Level = level
		if got := r.ShareCard(v, Options{Region: "CN"}, HTML).Text; got != "" {
			t.Errorf("a %s verdict got a share card:\n%s", level, got)
		}
	}
}
