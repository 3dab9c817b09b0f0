#pragma once
// SIGINT handling for long training: the first Ctrl-C sets a flag that the trainer polls
// between batches (it then saves a checkpoint and stops); a second one kills the process.
namespace wl::train {

void install_interrupt_handler();
// The same flag for SIGTERM too (a second SIGINT or SIGTERM kills): for commands that only
// have a temporary file to remove (simulate), so a `kill` leaves nothing behind either.
void install_interrupt_and_terminate_handler();
bool interrupt_requested();
void clear_interrupt();       // tests
void request_interrupt();     // tests: as if SIGINT arrived

}  // namespace wl::train
