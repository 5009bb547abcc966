package llm

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/classifier"
)

//go:embed injection.yaml
var injectionYAML []byte

// injectionCues are the folded cues of injection.yaml.
var injectionCues = mustLoadCues(injectionYAML)

func mustLoadCues(data []byte) []string {
	var file struct {
		Cues []string `yaml:"cues"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		panic(fmt.Sprintf("parse injection.yaml: %v", err))
	}
	cues := make([]string, 0, len(file.Cues))
	for _, c := range file.Cues {
		if folded := foldForCues(c); folded != "" {
			cues = append(cues, folded)
		}
	}
	return cues
}

// foldForCues lower-cases and drops white space and zero-width characters.
func foldForCues(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// SpeaksToClassifier reports whether any message carries text aimed at
// the classifier or the model (injection.yaml): instructions to ignore
// instructions, fake system or platform voices, ready-made verdicts.
func SpeaksToClassifier(window []classifier.Message) bool {
	for _, m := range window {
		folded := foldForCues(m.Text)
		for _, cue := range injectionCues {
			if strings.Contains(folded, cue) {
				return true
			}
		}
	}
	return false
}
