package cuda

import "strings"

// DistroPython returns the Python that a distribution's python3 package
// installs: ("ubuntu", "22.04") -> 3.10, ("debian", "bookworm") or
// ("debian", "12") -> 3.11. ok is false for a release the table does not know.
func (db *DB) DistroPython(distro, version string) (Version, bool) {
	distro, version = strings.ToLower(distro), strings.ToLower(version)
	version, _, _ = strings.Cut(version, "-") // bookworm-slim, jammy-20240111
	for _, d := range db.distroPython {
		if d.distro != distro {
			continue
		}
		if d.version == version || d.codename == version || strings.HasPrefix(version, d.version+".") {
			return d.python, true
		}
	}
	return Version{}, false
}

// DistroCodename returns the codename of a distribution release ("ubuntu",
// "22.04" -> "jammy").
func (db *DB) DistroCodename(distro, version string) (string, bool) {
	for _, d := range db.distroPython {
		if d.distro == strings.ToLower(distro) && (d.version == version || d.codename == version) {
			return d.codename, true
		}
	}
	return "", false
}
