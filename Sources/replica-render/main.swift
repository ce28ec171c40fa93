import Foundation
import Plotting

exit(RenderChild.main(arguments: CommandLine.arguments))
