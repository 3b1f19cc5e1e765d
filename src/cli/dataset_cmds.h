/* The subcommands of `vae-vk dataset`, one file each (cmd_dataset*.c). */
#ifndef VAEVK_CLI_DATASET_CMDS_H
#define VAEVK_CLI_DATASET_CMDS_H

int dataset_preview(int argc, char **argv);
int dataset_info(int argc, char **argv);
int dataset_prepare(int argc, char **argv);
int dataset_export(int argc, char **argv);
int dataset_bench(int argc, char **argv);

#endif
