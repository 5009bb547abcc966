package group

import (
	"time"
	_ "time/tzdata" // the zones below, on hosts without a zoneinfo database
)

// regionZones are the time zones of the regions that have one; the US and
// Australia span several, so their alerts keep UTC rather than guess.
var regionZones = map[string]string{
	"CN": "Asia/Shanghai", "TW": "Asia/Taipei", "HK": "Asia/Hong_Kong", "SG": "Asia/Singapore",
	"GB": "Europe/London", "DE": "Europe/Berlin",
}

// localTime writes t in region's time with its UTC offset ("2026-12-07
// 13:18 UTC+08:00"), or in UTC when the region has no single zone.
func localTime(t time.Time, region string) string {
	if name, ok := regionZones[region]; ok {
		if zone, err := time.LoadLocation(name); err == nil {
			return t.In(zone).Format("2006-01-02 15:04 UTC-07:00")
		}
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
