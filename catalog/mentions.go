package catalog

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scamguard/scamguard/internal/words"
)

// commonWordAliases are aliases that are also everyday words or parts of
// them (电信诈骗 is "telecom fraud", not China Telecom; 平安 is "safe";
// 移动支付 is "mobile payment"). They still help the classifier find a brand
// next to other cues, but alone they say nothing about a region.
var commonWordAliases = map[string]bool{
	"移动": true, "电信": true, "联通": true, "平安": true, "民生": true, "华夏": true, "光大": true,
	"兴业": true, "中信": true, "浦发": true, "蚂蚁": true, "多多": true, "金条": true, "白条": true,
	"邮政": true, "备用金": true, "直播会员": true, "Micro-loan": true,
	// hotline aliases that name no one place: what people say in any region
	"报警": true, "派出所": true, "预警短信": true, "SPAM": true, "anti-scam helpline": true,
	// acronyms that are also words or abbreviations in English
	"ABC": true, "ETC": true, "CA": true, "MU": true, "CZ": true, "HU": true,
}

// DistinctiveAliases returns the aliases of b that name it unmistakably in
// any text: no bare numbers (110 is a police line in three countries),
// Latin aliases of four letters or more, or acronyms of three capitals (ICBC,
// FTC; SF and JD are initials of too many things), Chinese ones of two
// characters or more, and none of the common words of commonWordAliases.
// Match a three-letter acronym as written (IsAcronym): "boc" is no bank.
func DistinctiveAliases(b Brand) []string {
	var out []string
	for _, alias := range b.Aliases {
		if commonWordAliases[alias] || onlyDigits(alias) == strings.ReplaceAll(alias, " ", "") {
			continue
		}
		if hasHan(alias) {
			if utf8.RuneCountInString(alias) >= 2 {
				out = append(out, alias)
			}
			continue
		}
		if letters(alias) >= 4 || IsAcronym(alias) {
			out = append(out, alias)
		}
	}
	return out
}

// IsAcronym reports whether a Latin alias is three capitals (CCB, FTC):
// distinctive only when matched in capitals.
func IsAcronym(alias string) bool {
	if len(alias) != 3 {
		return false
	}
	for _, r := range alias {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return letters(alias) >= 2
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// mention is a string that ties a text to a region: a brand's name or
// distinctive alias, or a verified number (which can belong to several
// regions: 110 is the police in CN, TW and DE).
type mention struct {
	needle  string
	latin   bool // matched on word boundaries, case-insensitively unless an acronym
	acronym bool // matched as written
	number  bool // matched against the numbers of the text
	regions []string
}

// buildMentions indexes what NamesOtherRegion looks for: every entry's
// display names and distinctive aliases, and every verified phone number.
func (c *Catalog) buildMentions() {
	byNeedle := map[string]*mention{}
	add := func(needle, region string, number bool) {
		needle = strings.TrimSpace(needle)
		if needle == "" {
			return
		}
		key := needle
		acronym := !number && IsAcronym(needle)
		if !number && !hasHan(needle) && !acronym {
			key = strings.ToLower(needle)
		}
		m, ok := byNeedle[key]
		if !ok {
			m = &mention{needle: key, latin: !number && !hasHan(needle), acronym: acronym, number: number}
			byNeedle[key] = m
		}
		if !slices.Contains(m.regions, region) {
			m.regions = append(m.regions, region)
		}
	}
	for _, b := range c.brands {
		for _, name := range []string{b.Names.Zh, b.Names.ZhHant, b.Names.En} {
			add(name, b.Region, false)
		}
		for _, alias := range DistinctiveAliases(b) {
			add(alias, b.Region, false)
		}
		for _, ch := range b.Channels {
			if ch.Verified && (ch.Type == ChannelPhone || ch.Type == ChannelSMS) && len(onlyDigits(ch.Value)) >= 3 {
				add(onlyDigits(ch.Value), b.Region, true)
			}
		}
	}
	keys := make([]string, 0, len(byNeedle))
	for k := range byNeedle {
		keys = append(keys, k)
	}
	slices.Sort(keys) // a stable order, so the mention reported is always the same
	for _, k := range keys {
		c.mentions = append(c.mentions, *byNeedle[k])
	}
}

// NamesOtherRegion reports whether text names a brand, platform, hotline or
// number that belongs to none of the allowed regions, and which one. A reply
// uses it to leave out a catalogue sentence about another country ("工商银行
// 95588 never calls you" for a reader in Taiwan); with no allowed region,
// any regional name counts.
func (c *Catalog) NamesOtherRegion(text string, allowed ...string) (string, bool) {
	lower := strings.ToLower(text)
	var numbers []string
	for _, m := range c.mentions {
		if slices.ContainsFunc(m.regions, func(r string) bool { return slices.Contains(allowed, r) }) {
			continue
		}
		switch {
		case m.number:
			if numbers == nil {
				numbers = append(numbersIn(text), "")
			}
			if slices.Contains(numbers, m.needle) {
				return m.needle, true
			}
		case m.acronym:
			if words.Contains(text, m.needle) {
				return m.needle, true
			}
		case m.latin:
			if words.Contains(lower, m.needle) {
				return m.needle, true
			}
		case strings.Contains(text, m.needle):
			return m.needle, true
		}
	}
	return "", false
}

// NeverDoesFor is the first of a scam type's "the real one never does" lines
// in lang that names no brand, platform, hotline or number of a region other
// than allowed (the reader's and the impersonated brand's), or "" when the
// type is unknown or every line does: "工商银行95588 never calls you" is no
// help to a reader in Hong Kong. Private replies, group warnings and
// guardian alerts all pick their line here, so they follow one rule.
func (c *Catalog) NeverDoesFor(scamType, lang string, allowed ...string) string {
	t, ok := c.ScamType(scamType)
	if !ok {
		return ""
	}
	for _, never := range t.NeverDoes.In(lang) {
		if _, foreign := c.NamesOtherRegion(never, allowed...); !foreign {
			return never
		}
	}
	return ""
}
