// Pulumi entry point: the stack's outputs are what `main` resolves to.
import { main } from "./stacks";

export = main();
