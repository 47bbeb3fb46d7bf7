// Every page: fields limited in characters (data-max-characters) are checked as people type.
import { checkLengthsOnInput } from "./graphemes.js";

checkLengthsOnInput();
