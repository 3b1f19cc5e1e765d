/* Every subcommand of vae-vk: argv holds the words after the command name. */
#ifndef VAEVK_CLI_COMMANDS_H
#define VAEVK_CLI_COMMANDS_H

int cmd_train(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_reconstruct(int argc, char **argv);
int cmd_interpolate(int argc, char **argv);
int cmd_traverse(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_check_reference(int argc, char **argv);
int cmd_dataset(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_selftest(int argc, char **argv);

#endif
