package review

import (
	_ "embed"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/catalog"
)

//go:embed followup.yaml
var followUpYAML []byte

// followUps are the texts of followup.yaml: followUpKey → language → text.
var followUps = func() map[string]map[string]string {
	var texts map[string]map[string]string
	if err := yaml.Unmarshal(followUpYAML, &texts); err != nil {
		panic(fmt.Sprintf("review: followup.yaml: %v", err))
	}
	return texts
}()

// FollowUpText is the follow-up for c's user in lang ("zh", "zh-Hant",
// "en"; empty: the case's language), plain text; empty when the case has
// no decision.
func FollowUpText(c Case, lang string) string {
	if c.Decision == nil {
		return ""
	}
	if lang == "" {
		lang = c.Language
	}
	return followUps[followUpKey(c)][catalog.NormalizeLang(lang)]
}

// followUpKey picks the follow-up in followup.yaml: the outcome, and
// whether the reviewer agrees with what the bot said.
func followUpKey(c Case) string {
	key := string(c.Decision.Outcome)
	if c.Agrees() {
		key += "_agree"
	}
	return key
}
