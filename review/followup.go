package review

import (
	_ "embed"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/catalog"
)

//go:embed followup.yaml
var followUpYAML []byte

// followUps are the texts of followup.yaml: outcome → language → text.
var followUps = func() map[Outcome]map[string]string {
	var texts map[Outcome]map[string]string
	if err := yaml.Unmarshal(followUpYAML, &texts); err != nil {
		panic(fmt.Sprintf("review: followup.yaml: %v", err))
	}
	return texts
}()

// FollowUpText is the follow-up for c's user in lang ("zh", "zh-Hant",
// "en"; empty: the case's language), plain text; empty when the decision
// calls for none.
func FollowUpText(c Case, lang string) string {
	if c.Decision == nil {
		return ""
	}
	if lang == "" {
		lang = c.Language
	}
	return followUps[c.Decision.Outcome][catalog.NormalizeLang(lang)]
}
