package monitor

// KeptDerivations is how many connections' derivations a Derived keeps.
const KeptDerivations = keptDerivations
