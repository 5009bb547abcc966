package catalog

import (
	"slices"
	"strings"
)

// Kinds of Verify items: the channel types a reply can show, plus advice when
// there is no channel to offer.
const (
	VerifyPhone  = ChannelPhone
	VerifyApp    = ChannelApp
	VerifyWeb    = ChannelWeb
	VerifyAdvice = "advice"
)

// Verify is one line under "verify through" in a reply.
type Verify struct {
	// Kind is phone, app, web or advice (a sentence, no channel).
	Kind string
	// Value is the number, the app path or address, or the advice sentence.
	// Numbers and addresses come only from channels.yaml.
	Value string
	// Note says how to use it, in the requested language. It is set on the
	// first item of each brand only, so a reply does not repeat it.
	Note string
	// Source is where the value comes from (page address or description).
	Source string
	// BrandID is the channels.yaml entry the item comes from; empty for the
	// generic advice.
	BrandID string
	// Name is that entry's display name in the requested language.
	Name string
}

const (
	langZh     = "zh"
	langZhHant = "zh-Hant"
	langEn     = "en"
)

// NormalizeLang maps a language tag (zh, zh-TW, zh_Hant, en-GB, …) to
// zh, zh-Hant or en, the three languages of the catalogue's texts.
func NormalizeLang(lang string) string {
	tag := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"))
	if !strings.HasPrefix(tag, "zh") {
		return langEn
	}
	for _, traditional := range []string{"hant", "-tw", "-hk", "-mo"} {
		if strings.Contains(tag, traditional) {
			return langZhHant
		}
	}
	return langZh
}

// NormalizeRegion reads a region as ISO 3166 alpha-2: upper case, a
// subdivision (CN-SC) as its country, and the common mistake UK as GB.
func NormalizeRegion(region string) string {
	r := strings.ToUpper(strings.TrimSpace(region))
	if i := strings.IndexByte(r, '-'); i > 0 {
		r = r[:i]
	}
	if r == "UK" {
		r = "GB"
	}
	return r
}

// textLang is the key of the texts a reader gets: zh, en, or for
// Traditional Chinese the tag of its vocabulary (zh-TW, zh-HK), so a Hong
// Kong reader gets Hong Kong words.
func textLang(lang, region string) string {
	if NormalizeLang(lang) == langZhHant {
		return HantTag(HantVariant(lang, region))
	}
	return NormalizeLang(lang)
}

var textLangs = []string{langZh, HantTag(HantTaiwan), HantTag(HantHongKong), langEn}

// buildOffers precomputes what VerifyIn shows for each brand in each
// language.
func (c *Catalog) buildOffers() {
	c.offers = map[string]map[string][]Verify{}
	for _, lang := range textLangs {
		byBrand := make(map[string][]Verify, len(c.brands))
		for _, b := range c.brands {
			byBrand[b.ID] = offersFor(b, lang)
		}
		c.offers[lang] = byBrand
	}
}

// offersFor picks what a reply may show for one brand: the first verified
// phone number; without one, the in-app route and the official site; without
// those, the brand's own how-to-verify sentence. Unverified, scoped and SMS
// channels are never offered.
func offersFor(b Brand, lang string) []Verify {
	note := b.HowToVerify.In(lang)
	item := func(kind, value, source string) Verify {
		v := Verify{Kind: kind, Value: value, Note: note, Source: source, BrandID: b.ID, Name: b.Names.In(lang)}
		note = "" // the first item carries the note
		return v
	}
	if phone, ok := firstOfferable(b, ChannelPhone); ok && hasRealSource(b) {
		return []Verify{item(VerifyPhone, phone.Value, b.Source)}
	}
	var out []Verify
	if b.AppPath != nil {
		out = append(out, item(VerifyApp, Text{Zh: b.AppPath.Zh, ZhHant: b.AppPath.ZhHant, En: b.AppPath.En}.In(lang), b.AppPath.Source))
	} else if app, ok := firstOfferable(b, ChannelApp); ok {
		out = append(out, item(VerifyApp, app.Value, b.Source))
	}
	if web, ok := firstOfferable(b, ChannelWeb); ok {
		out = append(out, item(VerifyWeb, web.Value, b.Source))
	}
	if len(out) == 0 {
		out = append(out, Verify{Kind: VerifyAdvice, Value: note, Source: b.Source, BrandID: b.ID, Name: b.Names.In(lang)})
	}
	return out
}

func firstOfferable(b Brand, channelType string) (Channel, bool) {
	for _, ch := range b.Channels {
		if ch.Type == channelType && ch.Verified && len(ch.Scope) == 0 {
			return ch, true
		}
	}
	return Channel{}, false
}

// hasRealSource rejects the placeholders the research used when nothing was
// found, so a number is only shown when someone can check where it came from.
func hasRealSource(b Brand) bool {
	s := strings.ToLower(strings.TrimSpace(b.Source))
	return s != "" && s != "none" && s != "none found" && b.SourceQuality != "none"
}

// maxTypeBrands bounds how many of a scam type's verify_via entries are shown
// when no brand was detected: a reply is read on a phone.
const maxTypeBrands = 2

// VerifyIn returns what a reply shows under "verify through", in order:
//   - the impersonated brand (brandID), if known: its first verified phone
//     number, else its app path and official site;
//   - else, if scamType is known and the region is known, up to two entries
//     of the type's verify_via in that region;
//   - then the region's anti-fraud lines (CN: 96110 and 110; GB: Report Fraud
//     and 159; US: FTC; AU: Scamwatch; SG: 1799; HK: 18222; TW: 165; DE: 110),
//     or, where none is known, a generic "call the number on your card" advice.
//
// Nothing of a third region is ever shown: only the brand's own entry and
// the user's region. With an unknown region ("") that leaves the brand's
// channel and the generic advice, never another country's bank, platform or
// hotline. lang is "zh", "zh-Hant" or "en" (zh-TW / zh-HK pick the
// Traditional vocabulary; other tags read English); region is ISO 3166
// alpha-2.
func (c *Catalog) VerifyIn(brandID, scamType, lang, region string) []Verify {
	region = NormalizeRegion(region)
	offers := c.offers[textLang(lang, region)]
	lines, haveLines := c.regionalLines[region]

	var out []Verify
	added := map[string]bool{}
	add := func(id string) {
		if !added[id] {
			added[id] = true
			out = append(out, offers[id]...)
		}
	}

	if _, ok := c.brandByID[brandID]; ok {
		add(brandID)
	} else if t, ok := c.ScamType(scamType); ok && region != "" {
		shown := 0
		for _, id := range t.VerifyVia {
			if shown == maxTypeBrands {
				break
			}
			b, _ := c.Brand(id) // ids are validated at load
			if added[id] || slices.Contains(lines, id) || b.Region != region {
				continue
			}
			add(id)
			shown++
		}
	}

	if !haveLines {
		return append(out, Verify{Kind: VerifyAdvice, Value: c.fallbackAdvice.In(textLang(lang, region))})
	}
	for _, id := range lines {
		add(id)
	}
	return out
}

// ReportVia returns where someone who already lost money reports it in
// their region: every verified, unscoped phone number and web address of the
// region's report lines (police, fraud reporting), the entry's how-to note
// on its first item. It is empty for a region without report lines: the
// caller then says "report it to the police" without a number.
func (c *Catalog) ReportVia(lang, region string) []Verify {
	region = NormalizeRegion(region)
	lang = textLang(lang, region)
	var out []Verify
	for _, id := range c.reportLines[region] {
		b, _ := c.Brand(id) // ids are validated at load
		note := b.HowToVerify.In(lang)
		for _, ch := range b.Channels {
			if !ch.Verified || len(ch.Scope) > 0 || ch.Type != ChannelPhone && ch.Type != ChannelWeb {
				continue
			}
			if ch.Type == ChannelPhone && !hasRealSource(b) {
				continue
			}
			out = append(out, Verify{Kind: ch.Type, Value: ch.Value, Note: note, Source: b.Source, BrandID: b.ID, Name: b.Names.In(lang)})
			note = "" // the first item carries the note
		}
	}
	return out
}

// Regions lists the regions (ISO 3166 alpha-2, sorted) that have their own
// anti-fraud lines, the choices a user's /region setting makes a
// difference for.
func (c *Catalog) Regions() []string {
	regions := make([]string, 0, len(c.regionalLines))
	for region := range c.regionalLines {
		regions = append(regions, region)
	}
	slices.Sort(regions)
	return regions
}
