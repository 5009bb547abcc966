package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
)

var (
	brandIDPattern   = regexp.MustCompile(`^[a-z]{2}_[a-z0-9_]+$`)
	slugPattern      = regexp.MustCompile(`^[a-z][a-z0-9_]+$`)
	subdivisionRegex = regexp.MustCompile(`^[A-Z]{2}-[A-Z0-9]{1,3}$`)
	// digitRun finds numbers in text, allowing the separators phone numbers
	// are written with ("400-810-8866", "0300 123 2040").
	digitRun = regexp.MustCompile(`\d(?:[- ]?\d)*`)
)

var (
	knownKinds = map[string]bool{
		KindPlatform: true, KindCourier: true, KindBank: true, KindPayment: true,
		KindTelecom: true, KindAirline: true, KindGovernment: true, KindHotline: true,
	}
	knownChannelTypes = map[string]bool{ChannelPhone: true, ChannelApp: true, ChannelWeb: true, ChannelSMS: true}
	knownQualities    = map[string]bool{"gov": true, "official": true, "news": true, "3p": true, "code": true, "none": true}
)

// Stage one-liners are read on a phone next to the warning; the limits keep
// them to one line.
const (
	maxStageRunesZh = 45
	maxStageRunesEn = 90
)

// validRegion accepts ISO 3166-1 alpha-2 country codes only. x/text also
// knows the exceptionally reserved UK, which is the mistake people make for GB.
func validRegion(code string) bool {
	if len(code) != 2 || strings.ToUpper(code) != code || code == "UK" {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.String() == code && r.IsCountry()
}

func validScope(code string) bool {
	if subdivisionRegex.MatchString(code) {
		return validRegion(code[:2])
	}
	return validRegion(code)
}

// phoneNumbers collects the digits of phone and SMS values, split by their
// verified flag, so texts can be checked for numbers nobody confirmed.
type phoneNumbers struct {
	verified   map[string]bool
	unverified map[string]bool
}

func collectNumbers(entries []Brand) phoneNumbers {
	n := phoneNumbers{verified: map[string]bool{}, unverified: map[string]bool{}}
	for _, b := range entries {
		for _, ch := range b.Channels {
			if ch.Type != ChannelPhone && ch.Type != ChannelSMS {
				continue
			}
			digits := onlyDigits(ch.Value)
			if ch.Verified {
				n.verified[digits] = true
			} else {
				n.unverified[digits] = true
			}
		}
	}
	return n
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// numbersIn returns the digit strings of the numbers (3+ digits) in text.
// Runs glued to a Latin letter are names, not numbers ("l0086", "ic3").
func numbersIn(text string) []string {
	var out []string
	for _, loc := range digitRun.FindAllStringIndex(text, -1) {
		if loc[0] > 0 && isASCIILetter(text[loc[0]-1]) || loc[1] < len(text) && isASCIILetter(text[loc[1]]) {
			continue
		}
		if digits := onlyDigits(text[loc[0]:loc[1]]); len(digits) >= 3 {
			out = append(out, digits)
		}
	}
	return out
}

func isASCIILetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func validateChannels(f *channelsFile) error {
	if f.SchemaVersion != 1 {
		return fmt.Errorf("unsupported schema_version %d", f.SchemaVersion)
	}
	if len(f.Entries) == 0 {
		return fmt.Errorf("no entries")
	}
	numbers := collectNumbers(f.Entries)
	ids := map[string]Brand{}
	for i, b := range f.Entries {
		where := fmt.Sprintf("entry #%d (%s)", i, b.ID)
		switch {
		case !brandIDPattern.MatchString(b.ID):
			return fmt.Errorf("%s: id must look like cn_name", where)
		case ids[b.ID].ID != "":
			return fmt.Errorf("%s: duplicate id", where)
		case b.Names.Zh == "" || b.Names.En == "":
			return fmt.Errorf("%s: names need zh and en", where)
		case !validRegion(b.Region):
			return fmt.Errorf("%s: region %q is not an ISO 3166 alpha-2 code", where, b.Region)
		case !knownKinds[b.Kind]:
			return fmt.Errorf("%s: unknown kind %q", where, b.Kind)
		case len(b.Channels) == 0:
			return fmt.Errorf("%s: no channels", where)
		case b.HowToVerify.Zh == "" || b.HowToVerify.En == "":
			return fmt.Errorf("%s: how_to_verify needs zh and en", where)
		case !knownQualities[b.SourceQuality]:
			return fmt.Errorf("%s: unknown source_quality %q", where, b.SourceQuality)
		}
		ids[b.ID] = b
		for j, ch := range b.Channels {
			if err := validateChannel(b, ch); err != nil {
				return fmt.Errorf("%s channel #%d: %w", where, j, err)
			}
		}
		texts := map[string]string{
			"how_to_verify.zh": b.HowToVerify.Zh, "how_to_verify.zh_hant": b.HowToVerify.ZhHant,
			"how_to_verify.en": b.HowToVerify.En,
		}
		if p := b.AppPath; p != nil {
			if p.Zh == "" || p.En == "" || p.Source == "" {
				return fmt.Errorf("%s: app_path needs zh, en and source", where)
			}
			for field, text := range map[string]string{"zh": p.Zh, "zh_hant": p.ZhHant, "en": p.En} {
				if n := numbersIn(text); len(n) > 0 {
					return fmt.Errorf("%s: app_path.%s contains the number %s; app paths never carry numbers", where, field, n[0])
				}
			}
		}
		for field, text := range texts {
			for _, n := range numbersIn(text) {
				if numbers.unverified[n] && !numbers.verified[n] {
					return fmt.Errorf("%s: %s shows the unverified number %s", where, field, n)
				}
			}
		}
	}
	if f.FallbackAdvice.Zh == "" || f.FallbackAdvice.En == "" {
		return fmt.Errorf("fallback_advice needs zh and en")
	}
	for field, lines := range map[string]map[string][]string{"regional_lines": f.RegionalLines, "report_lines": f.ReportLines} {
		if err := validateLines(field, lines, ids); err != nil {
			return err
		}
	}
	return nil
}

// validateLines checks a region → entry ids table: every id exists and
// belongs to the region it is listed under, so a user is never sent to
// another country's line.
func validateLines(field string, lines map[string][]string, ids map[string]Brand) error {
	for region, lineIDs := range lines {
		if !validRegion(region) {
			return fmt.Errorf("%s: %q is not an ISO 3166 alpha-2 code", field, region)
		}
		for _, id := range lineIDs {
			b, ok := ids[id]
			switch {
			case !ok:
				return fmt.Errorf("%s %s: unknown id %q", field, region, id)
			case b.Region != region:
				return fmt.Errorf("%s %s: %s is in region %s", field, region, id, b.Region)
			}
		}
	}
	return nil
}

func validateChannel(b Brand, ch Channel) error {
	switch {
	case !knownChannelTypes[ch.Type]:
		return fmt.Errorf("type %q is not phone, app, web or sms", ch.Type)
	case strings.TrimSpace(ch.Value) == "":
		return fmt.Errorf("empty value")
	case ch.Type == ChannelPhone && strings.TrimSpace(b.Source) == "":
		return fmt.Errorf("phone %s on an entry without a source", ch.Value)
	case ch.Type == ChannelPhone && ch.Verified && !hasRealSource(b):
		return fmt.Errorf("phone %s is marked verified but the entry has no real source (source %q, quality %q)",
			ch.Value, b.Source, b.SourceQuality)
	}
	for _, s := range ch.Scope {
		if !validScope(s) {
			return fmt.Errorf("scope %q is not an ISO 3166 code", s)
		}
	}
	return nil
}

func validateScamTypes(f *scamTypesFile, brandByID map[string]int, entries []Brand) error {
	if f.SchemaVersion != 1 {
		return fmt.Errorf("unsupported schema_version %d", f.SchemaVersion)
	}
	if len(f.Types) == 0 {
		return fmt.Errorf("no types")
	}
	for key, s := range f.Sources {
		if len(s.URLs) == 0 || s.Quality == "" || s.Title == "" {
			return fmt.Errorf("source %s: needs quality, urls and title", key)
		}
	}
	numbers := collectNumbers(entries)
	slugs := map[string]bool{}
	for i, t := range f.Types {
		where := fmt.Sprintf("type #%d (%s)", i, t.Slug)
		switch {
		case !slugPattern.MatchString(t.Slug):
			return fmt.Errorf("%s: slug must be lowercase_with_underscores", where)
		case slugs[t.Slug]:
			return fmt.Errorf("%s: duplicate slug", where)
		case t.Names.Zh == "" || t.Names.En == "":
			return fmt.Errorf("%s: names need zh and en", where)
		case len(t.VerifyVia) == 0:
			return fmt.Errorf("%s: empty verify_via", where)
		case len(t.Sources) == 0:
			return fmt.Errorf("%s: no sources", where)
		case t.Advice.Zh == "" || t.Advice.En == "":
			return fmt.Errorf("%s: advice needs zh and en", where)
		}
		slugs[t.Slug] = true
		for field, list := range map[string][]string{"impersonates": t.Impersonates, "verify_via": t.VerifyVia} {
			for _, id := range list {
				if _, ok := brandByID[id]; !ok {
					return fmt.Errorf("%s: %s names unknown channel id %q", where, field, id)
				}
			}
		}
		for _, key := range t.Sources {
			if _, ok := f.Sources[key]; !ok {
				return fmt.Errorf("%s: unknown source key %q", where, key)
			}
		}
		texts, err := userTexts(t)
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		for field, text := range texts {
			for _, n := range numbersIn(text) {
				if !numbers.verified[n] {
					return fmt.Errorf("%s: %s shows the number %s, which is no verified channel in channels.yaml", where, field, n)
				}
			}
		}
	}
	return nil
}

// userTexts checks the shape of a type's user-visible texts and returns them
// by field name for the number check.
func userTexts(t ScamType) (map[string]string, error) {
	texts := map[string]string{"advice.zh": t.Advice.Zh, "advice.zh_hant": t.Advice.ZhHant, "advice.en": t.Advice.En}
	for _, name := range StageNames {
		stage, _ := t.Stage(name)
		for part, text := range map[string]Text{"what": stage.What, "next": stage.Next} {
			field := name + "." + part
			switch {
			case text.Zh == "" || text.En == "":
				return nil, fmt.Errorf("stage %s needs zh and en", field)
			case utf8.RuneCountInString(text.Zh) > maxStageRunesZh:
				return nil, fmt.Errorf("stage %s.zh is longer than %d characters", field, maxStageRunesZh)
			case utf8.RuneCountInString(text.En) > maxStageRunesEn:
				return nil, fmt.Errorf("stage %s.en is longer than %d characters", field, maxStageRunesEn)
			}
			texts[field+".zh"], texts[field+".zh_hant"], texts[field+".en"] = text.Zh, text.ZhHant, text.En
		}
	}
	for lang, lines := range map[string][]string{"zh": t.NeverDoes.Zh, "zh_hant": t.NeverDoes.ZhHant, "en": t.NeverDoes.En} {
		if lang == "zh_hant" && len(lines) == 0 {
			continue // optional: Lines.In falls back to zh (TestTraditionalTexts wants it for the embedded data)
		}
		if len(lines) < 1 || len(lines) > 3 {
			return nil, fmt.Errorf("never_does.%s has %d items, want 1 to 3", lang, len(lines))
		}
		for i, line := range lines {
			if strings.TrimSpace(line) == "" {
				return nil, fmt.Errorf("never_does.%s #%d is empty", lang, i)
			}
			texts[fmt.Sprintf("never_does.%s #%d", lang, i)] = line
		}
	}
	return texts, nil
}
