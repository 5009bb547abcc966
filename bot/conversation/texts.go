package conversation

import (
	_ "embed"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/catalog"
)

// UITexts is what the bot says besides check replies, in one language.
type UITexts struct {
	Start          string `yaml:"start"`
	Help           string `yaml:"help"`
	Privacy        string `yaml:"privacy"`
	NewDone        string `yaml:"new_done"`
	ForgetDone     string `yaml:"forget_done"`
	ForgetFailed   string `yaml:"forget_failed"`
	LangPrompt     string `yaml:"lang_prompt"`
	LangSet        string `yaml:"lang_set"`
	RegionPrompt   string `yaml:"region_prompt"`
	RegionSet      string `yaml:"region_set"`
	RegionInvalid  string `yaml:"region_invalid"`
	SettingsFailed string `yaml:"settings_failed"`
	NotText        string `yaml:"not_text"`
	Apology        string `yaml:"apology"`
	UnknownCommand string `yaml:"unknown_command"`
	Auto           string `yaml:"auto"`
	BtnHelpful     string `yaml:"btn_helpful"`
	BtnWrong       string `yaml:"btn_wrong"`
	BtnHuman       string `yaml:"btn_human"`
	ThanksHelpful  string `yaml:"thanks_helpful"`
	ThanksWrong    string `yaml:"thanks_wrong"`
	HumanQueued    string `yaml:"human_queued"`
	CaseExpired    string `yaml:"case_expired"`
	BtnShare       string `yaml:"btn_share"`
	ShareDone      string `yaml:"share_done"`
	ModOnly        string `yaml:"mod_only"`
	MyDataCaption  string `yaml:"mydata_caption"`
	MyDataFailed   string `yaml:"mydata_failed"`
}

//go:embed texts.yaml
var textsYAML []byte

// Texts holds UITexts by language (zh, zh-Hant, en).
type Texts map[string]UITexts

// LoadTexts parses texts.yaml.
func LoadTexts() (Texts, error) { return LoadLangTexts[UITexts]("bot texts", textsYAML) }

// LoadLangTexts parses a file of texts by language and refuses a language
// that lacks one of T's texts, so a gap is a failing test, not a blank
// message.
func LoadLangTexts[T any](name string, data []byte) (map[string]T, error) {
	var all map[string]T
	if err := yaml.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, lang := range []string{"zh", "zh-Hant", "en"} {
		lt, ok := all[lang]
		if !ok {
			return nil, fmt.Errorf("%s: language %s is missing", name, lang)
		}
		v := reflect.ValueOf(lt)
		for i := 0; i < v.NumField(); i++ {
			if strings.TrimSpace(v.Field(i).String()) == "" {
				return nil, fmt.Errorf("%s: %s.%s is empty", name, lang, v.Type().Field(i).Tag.Get("yaml"))
			}
		}
	}
	return all, nil
}

// In returns the texts of lang (any tag catalog.NormalizeLang accepts).
func (t Texts) In(lang string) UITexts {
	return t[catalog.NormalizeLang(lang)]
}
