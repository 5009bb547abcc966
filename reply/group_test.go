package reply

import (
	"strings"
	"testing"

	"github.com/scamguard/scamguard/classifier"
)

// policeSafeAccount is the verdict of "我是上海市公安局的民警…把资金转到安全账户":
// a police officer's "safe account", typed as the safe-account scam, whose
// type names mainland banks (工商银行, 建设银行) and whose first "never
// does" line is "工商银行95588客服不会主动致电…".
func policeSafeAccount(lang string) classifier.Verdict {
	return classifier.Verdict{Level: classifier.LevelScam, Type: "bank_impersonation_safe_account", Stage: "payment", Language: lang,
		Signals: []classifier.Hit{hit("zh_mm_safe_account", classifier.RoleMoneyMove, "安全账户")}}
}

// TestGroupWarningOnlyTheGroupsRegion: a group warning follows the rule of
// a private reply — nothing of a region other than the group's (or the
// impersonated brand's). It used to print the type's first "never does"
// line whatever the region ("工商银行95588…" in a Hong Kong group), and,
// when the bot had found no usable region, to guess again from the script
// alone (mainland banks for a Traditional-Chinese family).
func TestGroupWarningOnlyTheGroupsRegion(t *testing.T) {
	r, _ := newRenderer(t)
	mainland := []string{"95588", "95533", "工商", "建设", "建設", "96110"}
	tests := []struct {
		name  string
		lang  string
		opts  GroupOptions
		never []string
		want  []string
	}{
		{"Hong Kong group", LangZh, GroupOptions{Region: "HK", RegionFinal: true}, mainland, []string{"18222"}},
		{"Taiwan group", LangZhHant, GroupOptions{Region: "TW", RegionFinal: true}, mainland, []string{"165"}},
		{"UK group", LangZh, GroupOptions{Region: "GB", RegionFinal: true}, mainland, []string{"159"}},
		{"no usable region, Simplified script", LangZh, GroupOptions{RegionFinal: true}, mainland, []string{"银行卡背面"}},
		{"mainland group", LangZh, GroupOptions{Region: "CN", RegionFinal: true}, nil, []string{"96110"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.GroupWarning(policeSafeAccount(tt.lang), tt.opts)
			for _, bad := range tt.never {
				if strings.Contains(got, bad) {
					t.Errorf("the warning shows %q:\n%s", bad, got)
				}
			}
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("the warning lacks %q:\n%s", want, got)
				}
			}
		})
	}
}

// TestGroupWarningNumbersAreTheRegions walks every scam type, region and
// language: every number a group warning prints belongs to the group's
// region or to the impersonated brand, as in a private reply.
func TestGroupWarningNumbersAreTheRegions(t *testing.T) {
	r, cat := newRenderer(t)
	for _, st := range cat.ScamTypes() {
		for _, lang := range languages {
			for _, region := range append([]string{""}, cat.Regions()...) {
				v := syntheticVerdict(st, lang)
				for _, brand := range []string{v.Brand, ""} {
					v.Brand = brand
					got := r.GroupWarning(v, GroupOptions{Region: region, RegionFinal: true})
					allowed := r.audienceFor(v, Options{Region: region, RegionFinal: true}).allowed
					numbers := strings.Join(numberPattern.FindAllString(got, -1), " ")
					if name, foreign := cat.NamesOtherRegion(numbers, allowed...); foreign {
						t.Errorf("%s/%s/region %q/brand %q: the warning prints %s, of none of %v:\n%s", st.Slug, lang, region, brand, name, allowed, got)
					}
				}
			}
		}
	}
}
