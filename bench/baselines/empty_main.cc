// The floor for a C++ cold start: a static binary that does nothing, started and reaped by the
// benchmark exactly as the interpreters are (`python3 -c pass`, `node -e 0`).
int main() { return 0; }
