package group

import (
	_ "embed"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/catalog"
)

// UITexts is what the bot says in groups and about guardians, in one
// language (texts.yaml).

// groupUITexts is what the bot says in groups and about guardians, in one
// language (group_texts.yaml).
type UITexts struct {
	Intro       string `yaml:"intro"`
	Help        string `yaml:"help"`
	CheckHint   string `yaml:"check_hint"`
	CheckNoText string `yaml:"check_no_text"`
	// CheckOnlyThat follows the answer to /check sent as a reply: it
	// judged that message alone.
	CheckOnlyThat       string `yaml:"check_only_that"`
	SettingsPanel       string `yaml:"settings_panel"`
	AdminsOnly          string `yaml:"admins_only"`
	AdminCheckFailed    string `yaml:"admin_check_failed"`
	Saved               string `yaml:"saved"`
	SettingsFailed      string `yaml:"settings_failed"`
	Normal              string `yaml:"normal"`
	High                string `yaml:"high"`
	On                  string `yaml:"on"`
	Off                 string `yaml:"off"`
	Auto                string `yaml:"auto"`
	BtnNormal           string `yaml:"btn_normal"`
	BtnHigh             string `yaml:"btn_high"`
	BtnQuiet            string `yaml:"btn_quiet"`
	BtnGuardians        string `yaml:"btn_guardians"`
	GuardianInPrivate   string `yaml:"guardian_in_private"`
	GuardianIntro       string `yaml:"guardian_intro"`
	GuardianList        string `yaml:"guardian_list"`
	GuardianWards       string `yaml:"guardian_wards"`
	GuardianNone        string `yaml:"guardian_none"`
	BtnRemoveGuardian   string `yaml:"btn_remove_guardian"`
	BtnStopGuarding     string `yaml:"btn_stop_guarding"`
	GuardianAsk         string `yaml:"guardian_ask"`
	BtnAccept           string `yaml:"btn_accept"`
	BtnDecline          string `yaml:"btn_decline"`
	GuardianAccepted    string `yaml:"guardian_accepted"`
	GuardianLinked      string `yaml:"guardian_linked"`
	GuardianDeclined    string `yaml:"guardian_declined"`
	GuardianInvalid     string `yaml:"guardian_invalid"`
	GuardianSelf        string `yaml:"guardian_self"`
	GuardianTooMany     string `yaml:"guardian_too_many"`
	GuardianRemoved     string `yaml:"guardian_removed"`
	GuardianRemovedNote string `yaml:"guardian_removed_note"`
	GuardianFailed      string `yaml:"guardian_failed"`
	GuardianAlert       string `yaml:"guardian_alert"`
	GuardianAlertAdvice string `yaml:"guardian_alert_advice"`
	ScamUnknownType     string `yaml:"scam_unknown_type"`
}

//go:embed texts.yaml
var textsYAML []byte

// texts holds UITexts by language (zh, zh-Hant, en).
type texts map[string]UITexts

// in returns the texts of lang (any tag catalog.NormalizeLang accepts).
func (t texts) in(lang string) UITexts {
	return t[catalog.NormalizeLang(lang)]
}

// loadTexts parses texts.yaml.
func loadTexts() (texts, error) {
	return conversation.LoadLangTexts[UITexts]("group texts", textsYAML)
}
