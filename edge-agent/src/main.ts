// The door agent for a Raspberry Pi: readers, door relays, the permission cache and the journal
// arrive with the door-access issue. Until then it says so instead of pretending to run.
console.error('The Foyer edge agent is not built yet: see the door access issue.');
process.exitCode = 1;
