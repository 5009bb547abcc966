package review

import (
	_ "embed"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
)

// Moderators' languages: Simplified Chinese and English.
const (
	ModLangZh = "zh"
	ModLangEn = "en"
)

// ModTexts is everything a moderator reads in one language: the names of
// the codes a case stores (levels, statuses, reasons, roles…), the card in
// Telegram, the bot's answers to moderators, and the web console.
type ModTexts struct {
	// Lang is ModLangZh or ModLangEn.
	Lang      string            `yaml:"-"`
	Levels    map[string]string `yaml:"levels"`
	Statuses  map[string]string `yaml:"statuses"`
	Outcomes  map[string]string `yaml:"outcomes"`
	Reasons   map[string]string `yaml:"reasons"`
	Feedback  map[string]string `yaml:"feedback"`
	Roles     map[string]string `yaml:"roles"`
	Engines   map[string]string `yaml:"engines"`
	Stages    map[string]string `yaml:"stages"`
	Languages map[string]string `yaml:"languages"`
	Speakers  map[string]string `yaml:"speakers"`
	Card      CardTexts         `yaml:"card"`
	Console   ConsoleTexts      `yaml:"console"`
}

// CardTexts are the moderators' card and the bot's answers to moderators
// in Telegram (HTML where they carry tags; fmt verbs as in moderators.yaml).
type CardTexts struct {
	BotSaid        string `yaml:"bot_said"`
	Type           string `yaml:"type"`
	UnknownType    string `yaml:"unknown_type"`
	Queued         string `yaml:"queued"`
	Feedback       string `yaml:"feedback"`
	ReplyLang      string `yaml:"reply_lang"`
	Reply          string `yaml:"reply"`
	Why            string `yaml:"why"`
	More           string `yaml:"more"`
	Earlier        string `yaml:"earlier"`
	Decided        string `yaml:"decided"`
	Moderator      string `yaml:"moderator"`
	Confirm        string `yaml:"confirm"`
	Legit          string `yaml:"legit"`
	Retype         string `yaml:"retype"`
	Skip           string `yaml:"skip"`
	Back           string `yaml:"back"`
	Stored         string `yaml:"stored"`
	StoreFailed    string `yaml:"store_failed"`
	NotFound       string `yaml:"not_found"`
	QueueEmpty     string `yaml:"queue_empty"`
	QueueFailed    string `yaml:"queue_failed"`
	StatsFailed    string `yaml:"stats_failed"`
	ConsolePrivate string `yaml:"console_private"`
	ConsoleFailed  string `yaml:"console_failed"`
	ConsoleLink    string `yaml:"console_link"`
	Deleted        string `yaml:"deleted"`
	StatsTitle     string `yaml:"stats_title"`
	StatsCounts    string `yaml:"stats_counts"`
	StatsPrecision string `yaml:"stats_precision"`
}

// ConsoleTexts are the web console's words (plain text; the templates
// escape them).
type ConsoleTexts struct {
	Title           string `yaml:"title"`
	NavCases        string `yaml:"nav_cases"`
	NavStats        string `yaml:"nav_stats"`
	SignOut         string `yaml:"sign_out"`
	SwitchLang      string `yaml:"switch_lang"`
	SwitchTo        string `yaml:"switch_to"`
	Cases           string `yaml:"cases"`
	AnyStatus       string `yaml:"any_status"`
	AnyLevel        string `yaml:"any_level"`
	AnyType         string `yaml:"any_type"`
	AnyLanguage     string `yaml:"any_language"`
	From            string `yaml:"from"`
	To              string `yaml:"to"`
	Filter          string `yaml:"filter"`
	ColCase         string `yaml:"col_case"`
	ColBotSaid      string `yaml:"col_bot_said"`
	ColType         string `yaml:"col_type"`
	ColStatus       string `yaml:"col_status"`
	ColQueued       string `yaml:"col_queued"`
	NoCases         string `yaml:"no_cases"`
	Earlier         string `yaml:"earlier"`
	Case            string `yaml:"case"`
	BotSaid         string `yaml:"bot_said"`
	Type            string `yaml:"type"`
	Stage           string `yaml:"stage"`
	Brand           string `yaml:"brand"`
	HardStop        string `yaml:"hard_stop"`
	Engines         string `yaml:"engines"`
	Language        string `yaml:"language"`
	Status          string `yaml:"status"`
	Conversation    string `yaml:"conversation"`
	ReplySent       string `yaml:"reply_sent"`
	Timeline        string `yaml:"timeline"`
	Decision        string `yaml:"decision"`
	TypeAsBot       string `yaml:"type_as_bot"`
	Confirm         string `yaml:"confirm"`
	Dismiss         string `yaml:"dismiss"`
	Skip            string `yaml:"skip"`
	Stats           string `yaml:"stats"`
	Counts          string `yaml:"counts"`
	Precision       string `yaml:"precision"`
	NoPrecision     string `yaml:"no_precision"`
	PrecisionDetail string `yaml:"precision_detail"`
	PerDay          string `yaml:"per_day"`
	Day             string `yaml:"day"`
	Queued          string `yaml:"queued"`
	Confirmed       string `yaml:"confirmed"`
	Dismissed       string `yaml:"dismissed"`
	Skipped         string `yaml:"skipped"`
	TopTypes        string `yaml:"top_types"`
	SignedIn        string `yaml:"signed_in"`
	OpenQueue       string `yaml:"open_queue"`
	Forbidden       string `yaml:"forbidden"`
	TLReplied       string `yaml:"tl_replied"`
	TLSignal        string `yaml:"tl_signal"`
	TLQueued        string `yaml:"tl_queued"`
	TLDecided       string `yaml:"tl_decided"`
	ErrInternal     string `yaml:"err_internal"`
	ErrOutcome      string `yaml:"err_outcome"`
	ErrType         string `yaml:"err_type"`
}

//go:embed moderators.yaml
var moderatorsYAML []byte

// modTexts holds both languages, checked when the package loads: a
// missing name would show a moderator an internal code.
var modTexts = mustParseModTexts(moderatorsYAML)

func mustParseModTexts(data []byte) map[string]ModTexts {
	texts, err := parseModTexts(data)
	if err != nil {
		panic(err)
	}
	return texts
}

// parseModTexts reads moderators.yaml and checks that both languages name
// every code a case can hold and fill every text.
func parseModTexts(data []byte) (map[string]ModTexts, error) {
	var file map[string]ModTexts
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("parse moderators.yaml: %w", err)
	}
	for _, lang := range []string{ModLangZh, ModLangEn} {
		t, ok := file[lang]
		if !ok {
			return nil, fmt.Errorf("moderators.yaml: no %s texts", lang)
		}
		t.Lang = lang
		file[lang] = t
		if err := t.complete(); err != nil {
			return nil, fmt.Errorf("moderators.yaml %s: %w", lang, err)
		}
	}
	return file, nil
}

// codes are the values each name table must cover.
func (t ModTexts) codes() map[string][2]any {
	roles := []string{}
	for _, r := range []classifier.Role{classifier.RoleImpersonation, classifier.RolePretext, classifier.RoleCredibility, classifier.RolePivot,
		classifier.RoleMoneyMove, classifier.RolePressure, classifier.RoleLure, classifier.RoleAction, classifier.RoleLink,
		classifier.RoleWarning, classifier.RoleInquiry} {
		roles = append(roles, string(r))
	}
	return map[string][2]any{
		"levels":    {t.Levels, []string{string(classifier.LevelScam), string(classifier.LevelSuspicious), string(classifier.LevelNone)}},
		"statuses":  {t.Statuses, []string{string(StatusDraft), string(StatusOpen), string(StatusConfirmed), string(StatusDismissed), string(StatusSkipped)}},
		"outcomes":  {t.Outcomes, []string{string(OutcomeScam), string(OutcomeLegit), string(OutcomeSkip)}},
		"reasons":   {t.Reasons, []string{ReasonFlagged, ReasonAskHuman, ReasonWrong}},
		"feedback":  {t.Feedback, []string{"helpful", "unhelpful"}},
		"roles":     {t.Roles, roles},
		"engines":   {t.Engines, []string{"heuristic", "heuristics", EngineFingerprint, "llm"}},
		"stages":    {t.Stages, []string{catalog.StageOpen, catalog.StageCredibility, catalog.StagePivot, catalog.StagePayment}},
		"languages": {t.Languages, []string{"zh", "zh-Hant", "en"}},
		"speakers":  {t.Speakers, []string{string(classifier.SpeakerOther), string(classifier.SpeakerUser)}},
	}
}

// complete reports a code without a name or an empty text.
func (t ModTexts) complete() error {
	for table, pair := range t.codes() {
		names, codes := pair[0].(map[string]string), pair[1].([]string)
		for _, code := range codes {
			if strings.TrimSpace(names[code]) == "" {
				return fmt.Errorf("%s: no name for %q", table, code)
			}
		}
	}
	for _, group := range []any{t.Card, t.Console} {
		v := reflect.ValueOf(group)
		for i := range v.NumField() {
			if strings.TrimSpace(v.Field(i).String()) == "" {
				return fmt.Errorf("%s: %s is empty", v.Type().Name(), v.Type().Field(i).Tag.Get("yaml"))
			}
		}
	}
	return nil
}

// ModTextsIn returns the moderators' texts for a language tag: Chinese
// (any script: the texts are Simplified, readable to every Chinese
// reader) for zh tags, English otherwise.
func ModTextsIn(lang string) ModTexts {
	return modTexts[ModLang(lang)]
}

// ModLang maps a language tag (Telegram's language_code, a setting, an
// Accept-Language entry) to ModLangZh or ModLangEn.
func ModLang(lang string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "zh") {
		return ModLangZh
	}
	return ModLangEn
}

// Name is the human name of code in a name table (t.Levels, t.Roles, …);
// an unknown code (a case stored by a newer version) reads as itself.
func Name(names map[string]string, code string) string {
	if name, ok := names[code]; ok {
		return name
	}
	return code
}

// Names joins the names of codes with "、" in Chinese and ", " in
// English.
func (t ModTexts) Names(names map[string]string, codes []string) string {
	out := make([]string, len(codes))
	for i, code := range codes {
		out[i] = Name(names, code)
	}
	sep := ", "
	if t.Lang == ModLangZh {
		sep = "、"
	}
	return strings.Join(out, sep)
}

// TypeName is a scam type's name for moderators, from the catalogue.
func (t ModTexts) TypeName(cat *catalog.Catalog, slug string) string {
	if st, ok := cat.ScamType(slug); ok {
		return st.Names.In(t.Lang)
	}
	return slug
}

// BrandName is a brand's name for moderators, from the catalogue.
func (t ModTexts) BrandName(cat *catalog.Catalog, id string) string {
	if b, ok := cat.Brand(id); ok {
		return b.Names.In(t.Lang)
	}
	return id
}
